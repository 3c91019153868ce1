using System.Collections.Concurrent;

namespace KubePS.NodeService.Probes;

/// <summary>The latest verdict of each container's startup and readiness probes, by container id.</summary>
public sealed class ProbeResults
{
    private readonly ConcurrentDictionary<(ProbeKind Kind, string ContainerId), bool> _results = new();

    /// <summary>Without a startup probe a running container counts as started.</summary>
    public bool Started(string containerId) => _results.GetValueOrDefault((ProbeKind.Startup, containerId), true);

    /// <summary>Without a readiness probe a started container counts as ready.</summary>
    public bool Ready(string containerId) => _results.GetValueOrDefault((ProbeKind.Readiness, containerId), true);

    /// <summary>Records a verdict; true when it changed.</summary>
    public bool Set(ProbeKind kind, string containerId, bool value)
    {
        var changed = !_results.TryGetValue((kind, containerId), out var previous) || previous != value;
        _results[(kind, containerId)] = value;
        return changed;
    }

    /// <summary>A probed container starts out not started and not ready, until its probes say otherwise.</summary>
    public void Expect(ProbeKind kind, string containerId) => _results.TryAdd((kind, containerId), false);

    public void Forget(string containerId)
    {
        foreach (var key in _results.Keys.Where(k => k.ContainerId == containerId))
        {
            _results.TryRemove(key, out _);
        }
    }
}
