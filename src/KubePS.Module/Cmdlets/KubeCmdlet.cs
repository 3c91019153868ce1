using System.Collections.Concurrent;
using System.Management.Automation;
using k8s;
using KubePS.Module.Errors;
using KubePS.Module.Pipeline;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// The base of every KubePS cmdlet: runs async work off the pipeline thread, pumps what it writes
/// back onto it, and cancels the work when the user presses Ctrl+C.
/// </summary>
public abstract class KubeCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    /// <summary>
    /// The connection this cmdlet uses: the session's, or the one of the context it names with
    /// -Context; stops the cmdlet with KubePS.NotConnected when there is none.
    /// </summary>
    protected KubeConnection Connection => ContextName is { } context
        ? KubeSession.ForContext(context)
        : KubeSession.Current ?? throw new KubeException(Messages.NotConnected, null, ErrorIds.NotConnected, ErrorCategory.ConnectionError);

    protected IKubernetes Client => Connection.Client;

    /// <summary>The kubeconfig context the cmdlet was asked to use instead of the session's.</summary>
    protected virtual string? ContextName => null;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (!RequiresConnection)
        {
            return;
        }

        try
        {
            _ = Connection;
        }
        catch (Exception e) when (KubeErrors.IsKubeConfigProblem(e))
        {
            ThrowTerminatingError(KubeErrors.KubeConfigInvalid(e, ContextName));
        }
        catch (KubeException e)
        {
            ThrowTerminatingError(KubeErrors.FromException(e, ContextName));
        }
    }

    /// <summary>Whether the cmdlet needs a connected session before it can do anything.</summary>
    protected virtual bool RequiresConnection => true;

    /// <inheritdoc />
    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>Runs <paramref name="work"/> and writes what it produces from the pipeline thread.</summary>
    protected void Run(Func<PipelineWriter, CancellationToken, Task> work)
    {
        // Not disposed: if the pipeline thread leaves early, the work may still add to it while it cancels.
        var queue = new BlockingCollection<Action<Cmdlet>>();
        var token = stopping.Token;
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(new PipelineWriter(queue), token);
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None);
        try
        {
            foreach (var action in queue.GetConsumingEnumerable(CancellationToken.None))
            {
                action(this);
            }
        }
        catch
        {
            // Downstream stopped the pipeline (Select-Object -First) or a write failed: end the work too.
            stopping.Cancel();
            throw;
        }

        if (task.IsCanceled || (task.IsFaulted && token.IsCancellationRequested))
        {
            throw new PipelineStoppedException();
        }

        // The task has completed here; this only rethrows what it failed with.
        task.GetAwaiter().GetResult();
    }

    /// <summary>Runs one item's work; a failure becomes a non-terminating error for that item.</summary>
    protected void RunForItem(object target, Func<PipelineWriter, CancellationToken, Task> work)
    {
        try
        {
            Run(work);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteError(KubeErrors.FromException(e, target));
        }
    }

    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
