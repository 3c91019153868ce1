using k8s.Models;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// Which pending pods a scheduling round takes, and in what order, as kube-scheduler's queue: highest
/// priority first, then oldest. A pod that did not fit backs off (1 s, doubling to 10 s) and then waits
/// for a change in the cluster that could make it fit (a node added or changed, a pod gone or changed),
/// or for <see cref="UnschedulableTimeout"/> without one.
/// </summary>
public sealed class SchedulingQueue(TimeProvider clock)
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan UnschedulableTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Unschedulable> _waiting = [];

    /// <summary>The pods of <paramref name="pending"/> due for an attempt, in the order to try them.</summary>
    public IReadOnlyList<V1Pod> Due(IEnumerable<V1Pod> pending)
    {
        var now = clock.GetUtcNow();
        return pending
            .Where(p => !_waiting.TryGetValue(p.Metadata.Uid, out var waiting) || waiting.IsDue(now))
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp)
            .ToList();
    }

    /// <summary>When the next waiting pod falls due without a cluster change, if any waits.</summary>
    public DateTimeOffset? NextDue => _waiting.Count == 0 ? null : _waiting.Values.Min(w => w.NextDue);

    public void Failed(V1Pod pod)
    {
        var attempts = _waiting.TryGetValue(pod.Metadata.Uid, out var before) ? before.Attempts + 1 : 1;
        var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, InitialBackoff.Ticks << Math.Min(attempts - 1, 20)));
        var now = clock.GetUtcNow();
        _waiting[pod.Metadata.Uid] = new Unschedulable(attempts, now + backoff, now + UnschedulableTimeout, Moved: false);
    }

    public void Scheduled(V1Pod pod) => _waiting.Remove(pod.Metadata.Uid);

    /// <summary>Something changed that could make waiting pods fit: each may go again once its back-off is over.</summary>
    public void ClusterChanged()
    {
        foreach (var (uid, waiting) in _waiting.ToList())
        {
            _waiting[uid] = waiting with { Moved = true };
        }
    }

    /// <summary>Forgets pods that are no longer pending.</summary>
    public void KeepOnly(IReadOnlySet<string> pendingUids)
    {
        foreach (var uid in _waiting.Keys.Where(uid => !pendingUids.Contains(uid)).ToList())
        {
            _waiting.Remove(uid);
        }
    }

    private sealed record Unschedulable(int Attempts, DateTimeOffset BackoffUntil, DateTimeOffset FlushAt, bool Moved)
    {
        public DateTimeOffset NextDue => Moved ? BackoffUntil : (FlushAt > BackoffUntil ? FlushAt : BackoffUntil);

        public bool IsDue(DateTimeOffset now) => now >= NextDue;
    }
}
