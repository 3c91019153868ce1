using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
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

    protected ILogger Logger => _logger;

    /// <summary>The informers whose caches must be filled before the first reconcile.</summary>
    protected abstract IEnumerable<IInformer> Informers { get; }

    /// <summary>Brings one object toward its spec; returns when to look at it again, or null.</summary>
    protected abstract Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken);

    /// <summary>A handler that enqueues the changed object itself.</summary>
    protected InformerHandler<T> EnqueueItself<T>()
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        (_, obj) =>
        {
            if (obj is not null)
            {
                Queue.Add(Informer<T>.KeyOf(obj.Metadata));
            }
        };

    /// <summary>A handler that enqueues the keys <paramref name="keysOf"/> names for a change (the object before and after).</summary>
    protected InformerHandler<T> EnqueueKeys<T>(Func<T?, T?, IEnumerable<string>> keysOf)
        where T : class =>
        (old, obj) =>
        {
            foreach (var key in keysOf(old, obj))
            {
                Queue.Add(key);
            }
        };

    /// <summary>A handler for a child kind: the child's controller of <paramref name="ownerKind"/>, before and after the change, hears of it.</summary>
    protected InformerHandler<TChild> EnqueueControllerOf<TChild>(KindInfo ownerKind)
        where TChild : class, IKubernetesObject<V1ObjectMeta> =>
        (old, child) =>
        {
            foreach (var version in new[] { old, child })
            {
                if (version is not null && Ownership.ControllerKey(ownerKind, version.Metadata) is { } owner)
                {
                    Queue.Add(owner);
                }
            }
        };

    /// <summary>As <see cref="EnqueueControllerOf{TChild}"/>, and an orphan's change also reaches every owner whose selector matches it, which may adopt it.</summary>
    protected InformerHandler<TChild> EnqueueControllerOrAdopters<TChild, TOwner>(KindInfo ownerKind, Informer<TOwner> owners, Func<TOwner, V1LabelSelector?> selectorOf)
        where TChild : class, IKubernetesObject<V1ObjectMeta>
        where TOwner : class, IKubernetesObject<V1ObjectMeta>
    {
        var controller = EnqueueControllerOf<TChild>(ownerKind);
        return (old, child) =>
        {
            controller(old, child);
            if (child is null || Ownership.ControllerOf(child.Metadata) is not null)
            {
                return;
            }

            foreach (var owner in owners.InNamespace(child.Metadata.NamespaceProperty ?? ""))
            {
                if (LabelSelector.FromObject(selectorOf(owner)) is { IsEmpty: false } selector && selector.Matches(child.Metadata.Labels))
                {
                    Queue.Add(Informer<TOwner>.KeyOf(owner.Metadata));
                }
            }
        };
    }

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
