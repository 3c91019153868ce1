using KubePS.Engine.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// The shape every controller shares: informers' handlers add keys to a <see cref="WorkQueue"/>,
/// workers take them and call <see cref="ReconcileAsync"/>, which reads the current state from the
/// caches and drives it toward the spec. A failure, a lost write race included, is retried with
/// backoff; a reconcile that must look again later (a deadline, minReadySeconds) says when.
/// </summary>
public abstract class Controller : BackgroundService
{
    private readonly ILogger _logger;
    private readonly int _workers;

    protected Controller(TimeProvider clock, ILogger logger, int workers = 4, WorkQueueLimits? limits = null)
    {
        _logger = logger;
        _workers = workers;
        Clock = clock;
        Queue = new WorkQueue(clock, limits);
    }

    protected WorkQueue Queue { get; }

    protected TimeProvider Clock { get; }

    /// <summary>The informers whose caches must be filled before the first reconcile.</summary>
    protected abstract IEnumerable<IInformer> Informers { get; }

    /// <summary>Brings one object toward its spec; returns when to look at it again, or null.</summary>
    protected abstract Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken);

    public override void Dispose()
    {
        Queue.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(Informers.Select(i => i.Synced)).WaitAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await Queue.TakeAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var again = await ReconcileAsync(key, stoppingToken);
                Queue.Forget(key);
                if (again is { } delay)
                {
                    Queue.AddAfter(key, delay);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.Code == 409)
            {
                _logger.LogDebug("Reconcile of {Key} lost a write race ({Message}); retrying", key, e.Message);
                Queue.AddRateLimited(key);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Reconcile of {Key} failed; retrying", key);
                Queue.AddRateLimited(key);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }
}
