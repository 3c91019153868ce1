namespace KubePS.NodeService.Pods;

/// <summary>
/// One worker per pod, as the kubelet's pod workers: a pod that takes long (a grace period, a
/// slow pull) holds up only itself, and a pod is never reconciled by two workers at once.
/// </summary>
public sealed class PodWorkers
{
    private readonly Dictionary<string, Task> _running = [];
    private readonly Lock _sync = new();

    /// <summary>Starts <paramref name="work"/> for the pod unless its previous work is still going; true when started.</summary>
    public bool TryStart(string podUid, Func<Task> work)
    {
        lock (_sync)
        {
            if (_running.TryGetValue(podUid, out var busy) && !busy.IsCompleted)
            {
                return false;
            }

            _running[podUid] = Task.Run(work);
            return true;
        }
    }

    /// <summary>Forgets the finished work of pods that are gone.</summary>
    public void Retain(IReadOnlySet<string> podUids)
    {
        lock (_sync)
        {
            foreach (var uid in _running.Where(r => r.Value.IsCompleted && !podUids.Contains(r.Key)).Select(r => r.Key).ToList())
            {
                _running.Remove(uid);
            }
        }
    }

    public Task WhenAllAsync()
    {
        lock (_sync)
        {
            return Task.WhenAll(_running.Values);
        }
    }
}
