using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using KubePS.Engine.Scheduling;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>How quickly the engine gives up on a silent node and moves its pods.</summary>
public sealed record NodeLifecycleSettings(TimeSpan GracePeriod, TimeSpan DefaultTolerationSeconds)
{
    /// <summary>20 s of silence make a node Unknown; its pods go 10 s later (Kubernetes waits 50 s and 300 s).</summary>
    public static NodeLifecycleSettings Default { get; } = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10));
}

/// <summary>
/// Watches each node's heartbeat (its Lease in kube-node-lease and its Ready condition's heartbeat).
/// A node silent for the grace period gets its conditions set to Unknown and the
/// <c>node.kubernetes.io/unreachable</c> taint; a node reporting NotReady gets
/// <c>node.kubernetes.io/not-ready</c>; both as NoSchedule and NoExecute, removed when it is Ready
/// again. Memory, disk and PID pressure get their NoSchedule taints while they last. Pods on a node with NoExecute taints they do not tolerate are deleted (evicted), at once or
/// after their toleration's <c>tolerationSeconds</c>; for the two taints above a pod without a
/// toleration gets the default toleration seconds, as Kubernetes' DefaultTolerationSeconds admission gives.
/// </summary>
public sealed class NodeLifecycleController : Controller
{
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    private static readonly string[] ConditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

    private static readonly (string Condition, string Taint)[] PressureTaints =
    [
        ("MemoryPressure", "node.kubernetes.io/memory-pressure"),
        ("DiskPressure", "node.kubernetes.io/disk-pressure"),
        ("PIDPressure", "node.kubernetes.io/pid-pressure"),
    ];

    private static readonly HashSet<string> ManagedTaints = [UnreachableTaint, NotReadyTaint, .. PressureTaints.Select(p => p.Taint)];

    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly NodeLifecycleSettings _settings;
    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1Lease> _leases;
    private readonly Informer<V1Pod> _pods;

    public NodeLifecycleController(
        ObjectService objects, SharedInformers informers, EventRecorder events, NodeLifecycleSettings settings, TimeProvider clock, ILogger<NodeLifecycleController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _events = events;
        _settings = settings;
        _nodes = informers.For<V1Node>(KindRegistry.Node);
        _leases = informers.For<V1Lease>(KindRegistry.Lease);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _nodes.AddHandler(EnqueueItself<V1Node>());
        _leases.AddHandler(EnqueueKeys<V1Lease>((_, lease) =>
            lease?.Metadata.NamespaceProperty == WellKnown.NodeLeaseNamespace ? [lease.Metadata.Name] : []));

        // A pod landing on a tainted node may have to go.
        _pods.AddHandler(EnqueueKeys<V1Pod>((_, pod) =>
            pod?.Spec.NodeName is { Length: > 0 } node && _nodes.Get(node)?.Spec?.Taints is { Count: > 0 } ? [node] : []));
    }

    protected override IEnumerable<IInformer> Informers => [_nodes, _leases, _pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_nodes.Get(key) is not { } node)
        {
            return null;
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        var lastHeard = LastHeard(node);
        var silentAt = lastHeard + _settings.GracePeriod;
        var silent = now >= silentAt;
        if (silent)
        {
            node = await MarkUnknownAsync(node, now, cancellationToken);
        }

        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        node = await SetTaintsAsync(node, WantedTaints(node, silent, ready), now, cancellationToken);
        var nextEviction = await EvictAsync(node, now, cancellationToken);

        TimeSpan? untilSilent = silent ? null : silentAt - now;
        TimeSpan? untilEviction = nextEviction is { } at ? at - now : null;
        return (untilSilent, untilEviction) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, var b) => b,
        };
    }

    // The latest of the Lease renewal and the Ready heartbeat; a node never heard from counts from its creation.
    private DateTime LastHeard(V1Node node)
    {
        var lease = _leases.Get(WellKnown.NodeLeaseNamespace, node.Metadata.Name)?.Spec?.RenewTime?.ToUniversalTime();
        var beat = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastHeartbeatTime?.ToUniversalTime();
        var created = node.Metadata.CreationTimestamp?.ToUniversalTime() ?? DateTime.MinValue;
        return new[] { lease ?? DateTime.MinValue, beat ?? DateTime.MinValue, created }.Max();
    }

    private async Task<V1Node> MarkUnknownAsync(V1Node node, DateTime now, CancellationToken cancellationToken)
    {
        var conditions = node.Status?.Conditions ?? [];
        if (conditions.FirstOrDefault(c => c.Type == "Ready")?.Status == "Unknown")
        {
            return node;
        }

        var status = Informer<V1Node>.Copy(node).Status ?? new V1NodeStatus();
        status.Conditions = ConditionTypes.Select(type =>
        {
            var old = conditions.FirstOrDefault(c => c.Type == type);
            return new V1NodeCondition
            {
                Type = type,
                Status = "Unknown",
                Reason = "NodeStatusUnknown",
                Message = "Kubelet stopped posting node status.",
                LastHeartbeatTime = old?.LastHeartbeatTime,
                LastTransitionTime = now,
            };
        }).Concat(conditions.Where(c => !ConditionTypes.Contains(c.Type))).ToList();
        Logger.LogWarning("Node {Node} stopped reporting; marking it Unknown", node.Metadata.Name);
        await _objects.UpdateStatusAsync(_nodes, node, status, cancellationToken);
        await _events.RecordAsync(ObjectReference.Of(KindRegistry.Node, node.Metadata), "Normal", "NodeNotReady",
            $"Node {node.Metadata.Name} status is now: NodeNotReady", "node-controller", cancellationToken);
        return _nodes.Get(node.Metadata.Name) ?? node;
    }

    // The taints the node's conditions call for (Kubernetes' TaintNodesByCondition and the NoExecute taint manager's).
    private static List<(string Key, string Effect)> WantedTaints(V1Node node, bool silent, V1NodeCondition? ready)
    {
        if (silent)
        {
            return [(UnreachableTaint, "NoSchedule"), (UnreachableTaint, "NoExecute")];
        }

        var wanted = new List<(string, string)>();
        if (ready?.Status == "False")
        {
            wanted.AddRange([(NotReadyTaint, "NoSchedule"), (NotReadyTaint, "NoExecute")]);
        }

        foreach (var (type, key) in PressureTaints)
        {
            if (node.Status?.Conditions?.FirstOrDefault(c => c.Type == type)?.Status == "True")
            {
                wanted.Add((key, "NoSchedule"));
            }
        }

        return wanted;
    }

    // Keeps exactly the wanted condition taints, keeping when each was added, and leaves every other taint alone.
    private async Task<V1Node> SetTaintsAsync(V1Node node, List<(string Key, string Effect)> wanted, DateTime now, CancellationToken cancellationToken)
    {
        var taints = node.Spec?.Taints ?? [];
        var kept = taints.Where(t => !ManagedTaints.Contains(t.Key) || wanted.Contains((t.Key, t.Effect))).ToList();
        foreach (var (key, effect) in wanted)
        {
            if (!kept.Any(t => t.Key == key && t.Effect == effect))
            {
                kept.Add(new V1Taint { Key = key, Effect = effect, TimeAdded = effect == "NoExecute" ? now : null });
            }
        }

        if (kept.Count == taints.Count && kept.All(taints.Contains))
        {
            return node;
        }

        var changed = Informer<V1Node>.Copy(node);
        changed.Spec ??= new V1NodeSpec();
        changed.Spec.Taints = kept.Count > 0 ? kept : null;
        return await _objects.UpdateAsync(_nodes, changed, cancellationToken);
    }

    // Deletes the pods whose time on this node is up; returns when the next one's is.
    private async Task<DateTime?> EvictAsync(V1Node node, DateTime now, CancellationToken cancellationToken)
    {
        var noExecute = (node.Spec?.Taints ?? []).Where(t => t.Effect == "NoExecute").ToList();
        if (noExecute.Count == 0)
        {
            return null;
        }

        DateTime? next = null;
        foreach (var pod in _pods.List().Where(p => p.Spec.NodeName == node.Metadata.Name && p.Metadata.DeletionTimestamp is null && PodState.IsActive(p)))
        {
            var due = EvictionTime(pod, noExecute, now);
            if (due is null)
            {
                continue;
            }

            if (due > now)
            {
                next = next is null || due < next ? due : next;
                continue;
            }

            Logger.LogInformation("Evicting pod {Namespace}/{Pod} from node {Node}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, node.Metadata.Name);
            await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(KindRegistry.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, null, false, cancellationToken));
            await _events.RecordAsync(ObjectReference.Of(pod), "Normal", "TaintManagerEviction",
                $"Marking for deletion Pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}", "taint-eviction-controller", cancellationToken);
        }

        return next;
    }

    /// <summary>When the pod must leave a node with these NoExecute taints: null never, otherwise the earliest of the taints' limits.</summary>
    private DateTime? EvictionTime(V1Pod pod, IEnumerable<V1Taint> noExecute, DateTime now)
    {
        DateTime? due = null;
        foreach (var taint in noExecute)
        {
            var since = taint.TimeAdded?.ToUniversalTime() ?? now;
            var toleration = (pod.Spec.Tolerations ?? []).FirstOrDefault(t => TaintToleration.Tolerates(t, taint));
            TimeSpan? allowed = toleration is not null
                ? toleration.TolerationSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : null
                : taint.Key is UnreachableTaint or NotReadyTaint ? _settings.DefaultTolerationSeconds : TimeSpan.Zero;
            if (allowed is { } limit)
            {
                var at = since + limit;
                due = due is null || at < due ? at : due;
            }
        }

        return due;
    }
}
