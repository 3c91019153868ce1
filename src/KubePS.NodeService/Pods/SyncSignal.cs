using System.Threading.Channels;

namespace KubePS.NodeService.Pods;

/// <summary>
/// Asks the pod loop for an early pass (a watch event, a probe result that changed); wake-ups that
/// pile up count once. A wake-up for one pod also marks that pod for syncing even if the API shows no change.
/// </summary>
public sealed class SyncSignal
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _marked = new();

    public void Wake() => _wake.Writer.TryWrite(true);

    public void Wake(string podUid)
    {
        _marked[podUid] = true;
        Wake();
    }

    /// <summary>Marks the pod when <paramref name="at"/> comes (a back-off that ends).</summary>
    public void WakeAt(string podUid, DateTime at)
    {
        var wait = at - DateTime.UtcNow;
        _ = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero).ContinueWith(_ => Wake(podUid), TaskScheduler.Default);
    }

    /// <summary>Whether <paramref name="podUid"/> was marked since the last call, clearing the mark.</summary>
    public bool TakeMark(string podUid) => _marked.TryRemove(podUid, out _);

    /// <summary>Returns when woken or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
