namespace KubePS.NodeService.Pods;

/// <summary>
/// Remembers failed pulls per pod container, so a failing image is retried with the same
/// doubling back-off as crashes, reporting ErrImagePull on a failure and ImagePullBackOff while waiting.
/// </summary>
public sealed class ImagePullBackoff(TimeProvider clock, SyncSignal signal)
{
    private readonly Dictionary<string, (int Failures, DateTime RetryAt, string Message)> _failures = [];
    private readonly Lock _sync = new();

    /// <summary>The waiting state to report instead of pulling now, or null when a pull may be tried.</summary>
    public ContainerWaiting? Waiting(string key, string image)
    {
        lock (_sync)
        {
            return _failures.TryGetValue(key, out var f) && clock.GetUtcNow().UtcDateTime < f.RetryAt
                ? new ContainerWaiting("ImagePullBackOff", $"Back-off pulling image \"{image}\": {f.Message}")
                : null;
        }
    }

    public ContainerWaiting Failed(string key, string image, string message)
    {
        lock (_sync)
        {
            var failures = _failures.TryGetValue(key, out var f) ? f.Failures + 1 : 1;
            var delay = RestartPolicy.Backoff(failures, null, null);
            _failures[key] = (failures, clock.GetUtcNow().UtcDateTime + delay, message);
            signal.WakeAt(key.Split('/')[0], clock.GetUtcNow().UtcDateTime + delay);
            return new ContainerWaiting("ErrImagePull", $"failed to pull image \"{image}\": {message}");
        }
    }

    public void Succeeded(string key)
    {
        lock (_sync)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Forgets the pods that are gone.</summary>
    public void Retain(IReadOnlySet<string> podUids)
    {
        lock (_sync)
        {
            foreach (var key in _failures.Keys.Where(k => !podUids.Contains(k.Split('/')[0])).ToList())
            {
                _failures.Remove(key);
            }
        }
    }
}
