using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using KubePS.Engine.Scheduling;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Runs one pod of each DaemonSet on every eligible node (nodeSelector, required node affinity,
/// taints against tolerations): added when a node joins or becomes eligible, removed when it leaves
/// or stops being eligible; a template change replaces the pods at most <c>maxUnavailable</c> at a time.
/// </summary>
public sealed class DaemonSetController : Controller
{
    private static readonly KindInfo Kind = KindRegistry.DaemonSet;

    // The tolerations Kubernetes gives every daemon pod, so node trouble does not evict or block it.
    private static readonly V1Toleration[] DaemonTolerations =
    [
        new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" },
    ];

    private readonly ObjectService _objects;
    private readonly PodControl _pods;
    private readonly Informer<V1DaemonSet> _sets;
    private readonly Informer<V1Node> _nodes;
    private readonly ChildClaimer<V1Pod> _claimer;
    private readonly ControllerHistory _history;

    public DaemonSetController(ObjectService objects, SharedInformers informers, PodControl pods, TimeProvider clock, ILogger<DaemonSetController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _pods = pods;
        _sets = informers.For<V1DaemonSet>(Kind);
        _nodes = informers.For<V1Node>(KindRegistry.Node);
        _claimer = new ChildClaimer<V1Pod>(Kind, objects, pods.Pods);
        _history = new ControllerHistory(Kind, objects, informers);
        _sets.AddHandler(EnqueueItself<V1DaemonSet>());
        _nodes.AddHandler((old, node) =>
        {
            // Only what can change eligibility: a node joining or leaving, its labels, taints or schedulability.
            if (old is null || node is null || !SameForPlacement(old, node))
            {
                _sets.List().ForEach(set => Queue.Add(Informer<V1DaemonSet>.KeyOf(set.Metadata)));
            }
        });
        pods.Pods.AddHandler(EnqueueControllerOf<V1Pod>(Kind));
    }

    protected override IEnumerable<IInformer> Informers => [_sets, _nodes, _pods.Pods, _history.Informer];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_sets.Get(key) is not { } set || set.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        // Pods carry their template's ControllerRevision name, which is what kubectl rollout undo goes back to.
        var hash = (await _history.EnsureAsync(set.Metadata, set.Spec.Selector, set.Spec.Template, set.Status?.CollisionCount, cancellationToken)).Metadata.Name;
        var pods = await _claimer.ClaimAsync(set.Metadata, LabelSelector.FromObject(set.Spec.Selector), cancellationToken);
        var nodes = _nodes.List().ToDictionary(n => n.Metadata.Name);
        var eligible = nodes.Values.Where(n => IsEligible(set, n)).Select(n => n.Metadata.Name).ToHashSet();
        var byNode = pods.Where(p => p.Metadata.DeletionTimestamp is null && !string.IsNullOrEmpty(p.Spec.NodeName))
            .GroupBy(p => p.Spec.NodeName).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Metadata.CreationTimestamp).ToList());

        var work = new List<Task>();
        foreach (var (node, onNode) in byNode)
        {
            var failed = onNode.Where(p => p.Status?.Phase == "Failed").ToList();
            var keep = eligible.Contains(node) ? onNode.Except(failed).Take(1).ToList() : [];
            work.AddRange(onNode.Except(keep).Select(p => _pods.DeleteAsync(Kind, set.Metadata, p, cancellationToken, force: !nodes.ContainsKey(node))));
        }

        var missing = eligible.Where(n => !byNode.TryGetValue(n, out var onNode) || onNode.All(p => p.Status?.Phase == "Failed")).ToList();
        work.AddRange(missing.Select(n => CreateAsync(set, n, hash, cancellationToken)));
        await Task.WhenAll(work);

        var now = Clock.GetUtcNow().UtcDateTime;
        var placed = eligible.Where(byNode.ContainsKey).Select(n => byNode[n][0]).Where(p => p.Status?.Phase != "Failed").ToList();
        if (set.Spec.UpdateStrategy?.Type != "OnDelete")
        {
            await RollAsync(set, placed, eligible.Count, hash, now, cancellationToken);
        }

        await UpdateStatusAsync(set, placed, byNode.Keys.Count(n => !eligible.Contains(n)), eligible.Count, hash, now, cancellationToken);
        await _history.PruneAsync(set.Metadata, placed.Select(ControllerHistory.RevisionOf).Append(hash), set.Spec.RevisionHistoryLimit ?? 10, cancellationToken);
        var minReady = set.Spec.MinReadySeconds ?? 0;
        return placed.Select(p => PodState.AvailableAt(p, minReady)).Where(t => t > now).Min() - now;
    }

    /// <summary>Whether the set's pods belong on the node.</summary>
    public static bool IsEligible(V1DaemonSet set, V1Node node) =>
        NodeAffinity.Matches(set.Spec.Template.Spec, node)
        && !TaintToleration.Untolerated((set.Spec.Template.Spec.Tolerations ?? []).Concat(DaemonTolerations), node).Any();

    private Task CreateAsync(V1DaemonSet set, string node, string hash, CancellationToken cancellationToken) =>
        _pods.CreateAsync(Kind, set.Metadata, set.Spec.Template, pod =>
        {
            pod.Spec.NodeName = node;
            pod.Metadata.Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>()) { [ControllerHistory.RevisionLabel] = hash };
            var tolerations = pod.Spec.Tolerations ?? [];
            pod.Spec.Tolerations = tolerations.Concat(DaemonTolerations.Where(d => !tolerations.Any(t => t.Key == d.Key && t.Effect == d.Effect))).ToList();
        }, cancellationToken);

    // Old pods go while at most maxUnavailable nodes lack an available pod; unavailable old pods go first.
    private async Task RollAsync(V1DaemonSet set, List<V1Pod> placed, int desired, string hash, DateTime now, CancellationToken cancellationToken)
    {
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var maxUnavailable = Math.Max(1, RolloutArithmetic.Scaled(set.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable, desired, roundUp: false));
        var unavailable = desired - placed.Count(p => PodState.IsAvailable(p, minReady, now));
        var old = placed.Where(p => ControllerHistory.RevisionOf(p) != hash).OrderBy(p => PodState.IsAvailable(p, minReady, now)).ToList();
        var budget = maxUnavailable - unavailable;
        var doomed = old.Where(p => !PodState.IsAvailable(p, minReady, now)).Concat(old.Where(p => PodState.IsAvailable(p, minReady, now)).Take(Math.Max(0, budget))).ToList();
        await Task.WhenAll(doomed.Select(p => _pods.DeleteAsync(Kind, set.Metadata, p, cancellationToken)));
    }

    private async Task UpdateStatusAsync(V1DaemonSet set, List<V1Pod> placed, int misscheduled, int desired, string hash, DateTime now, CancellationToken cancellationToken)
    {
        var available = placed.Count(p => PodState.IsAvailable(p, set.Spec.MinReadySeconds ?? 0, now));
        var status = new V1DaemonSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = placed.Count,
            NumberMisscheduled = misscheduled,
            NumberReady = placed.Count(PodState.IsReady),
            UpdatedNumberScheduled = placed.Count(p => ControllerHistory.RevisionOf(p) == hash),
            NumberAvailable = available,
            NumberUnavailable = Math.Max(0, desired - available),
            CollisionCount = set.Status?.CollisionCount,
        };
        await _objects.UpdateStatusAsync(_sets, set, status, cancellationToken);
    }

    private static bool SameForPlacement(V1Node a, V1Node b) =>
        KubeJson.Serialize(a.Metadata.Labels ?? new Dictionary<string, string>()) == KubeJson.Serialize(b.Metadata.Labels ?? new Dictionary<string, string>())
        && KubeJson.Serialize(a.Spec ?? new V1NodeSpec()) == KubeJson.Serialize(b.Spec ?? new V1NodeSpec());
}
