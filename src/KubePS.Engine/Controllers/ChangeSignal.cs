using KubePS.Engine.Storage;

namespace KubePS.Engine.Controllers;

/// <summary>
/// The wake-up of a level-triggered loop: it waits until any of its watches has an event or the
/// resync interval passes, then drops the events, because the loop reads current state anyway.
/// </summary>
public static class ChangeSignal
{
    /// <summary>Returns false once <paramref name="stoppingToken"/> is cancelled.</summary>
    public static async Task<bool> WaitAsync(IReadOnlyList<StoreWatch> watches, TimeSpan resync, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wake.CancelAfter(resync);
        try
        {
            await Task.WhenAny(watches.Select(w => w.Events.WaitToReadAsync(wake.Token).AsTask()));
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var watch in watches)
        {
            while (watch.Events.TryRead(out _))
            {
            }
        }

        return !stoppingToken.IsCancellationRequested;
    }
}
