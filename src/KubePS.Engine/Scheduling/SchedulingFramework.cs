using System.Runtime.CompilerServices;
using k8s.Models;
using KubePS.Core.Resources;
using KubePS.Engine.Scheduling.Plugins;

namespace KubePS.Engine.Scheduling;

/// <summary>A node as the scheduler sees it: the node, the pods on it (bound or assumed), and their sums.</summary>
public sealed class NodeInfo
{
    private static readonly ConditionalWeakTable<V1Pod, StrongBox<ResourceAmount>> ParsedRequests = new();
    private bool? _ready;

    public NodeInfo(V1Node node, IEnumerable<V1Pod> pods)
    {
        Node = node;
        Pods = pods.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        Requested = Pods.Aggregate(default(ResourceAmount), (sum, p) => sum + RequestsOf(p));
        Allocatable = ResourceAmount.From(node.Status?.Allocatable ?? node.Status?.Capacity);
        MaxPods = (node.Status?.Allocatable ?? node.Status?.Capacity) is { } list && list.TryGetValue("pods", out var max) ? max.ToDecimal() : null;
    }

    public V1Node Node { get; }

    public string Name => Node.Metadata.Name;

    public IDictionary<string, string> Labels => Node.Metadata.Labels ?? new Dictionary<string, string>();

    public List<V1Pod> Pods { get; }

    public ResourceAmount Requested { get; private set; }

    public ResourceAmount Allocatable { get; }

    /// <summary>How many pods the node takes (its allocatable <c>pods</c>), or null when it does not say.</summary>
    public decimal? MaxPods { get; }

    /// <summary>Whether the node is Ready with a fresh heartbeat at <paramref name="now"/> (worked out once per snapshot).</summary>
    public bool IsReadyAt(DateTime now) => _ready ??= NodeReadyFilter.IsReady(Node, now);

    /// <summary>Counts a pod the scheduler just placed here, before the watch reports it bound.</summary>
    public void Assume(V1Pod pod)
    {
        Pods.Add(pod);
        Requested += RequestsOf(pod);
    }

    // A pod object from the informer never changes, so its requests are parsed once, not every round.
    private static ResourceAmount RequestsOf(V1Pod pod) => ParsedRequests.GetValue(pod, p => new StrongBox<ResourceAmount>(PodResources.Requests(p.Spec))).Value;
}

/// <summary>
/// The nodes (by name) and their pods at one moment, shared by every plugin for one decision. It keeps
/// what plugins would otherwise recompute per node: per-decision state (Kubernetes' CycleState), the
/// placed pods by label, and the placed pods with required anti-affinity.
/// </summary>
public sealed class ClusterSnapshot(IReadOnlyList<NodeInfo> nodes, DateTime now)
{
    private readonly Dictionary<string, object?> _cycle = new(StringComparer.Ordinal);
    private Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>>? _byLabel;
    private AntiAffinityTerms? _antiAffinity;

    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();

    public DateTime Now { get; } = now;

    public IEnumerable<(V1Pod Pod, NodeInfo Node)> PlacedPods => Nodes.SelectMany(n => n.Pods.Select(p => (p, n)));

    /// <summary>Whether any placed pod has required pod anti-affinity (which every incoming pod must respect).</summary>
    public bool HasRequiredAntiAffinity() => (_antiAffinity ??= new AntiAffinityTerms(PlacedPods)).Count > 0;

    /// <summary>The required anti-affinity terms of placed pods that could select <paramref name="pod"/>; callers still match each term.</summary>
    public IEnumerable<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> AntiAffinityTermsFor(V1Pod pod) =>
        (_antiAffinity ??= new AntiAffinityTerms(PlacedPods)).For(pod);

    /// <summary>
    /// The placed pods a label selector could match: those carrying its narrowest <c>matchLabels</c> pair,
    /// or every placed pod when it has none. Callers still apply the whole selector.
    /// </summary>
    public IEnumerable<(V1Pod Pod, NodeInfo Node)> Candidates(V1LabelSelector? selector)
    {
        if (selector?.MatchLabels is not { Count: > 0 } labels)
        {
            return PlacedPods;
        }

        _byLabel ??= IndexByLabel();
        return labels.Select(l => _byLabel.GetValueOrDefault((l.Key, l.Value)) ?? []).MinBy(l => l.Count)!;
    }

    /// <summary>Counts a pod the scheduler just placed on <paramref name="node"/>, before the watch reports it bound.</summary>
    public void Assume(NodeInfo node, V1Pod pod)
    {
        node.Assume(pod);
        foreach (var label in pod.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (_byLabel is not null)
            {
                Add(_byLabel, (label.Key, label.Value), (pod, node));
            }
        }

        _antiAffinity?.Add(pod, node);
    }

    /// <summary>The pod's own requests, worked out once per decision.</summary>
    public ResourceAmount RequestsOf(V1Pod pod) => CycleState("requests", () => PodResources.Requests(pod.Spec));

    /// <summary>What a plugin works out once per decision (its pre-filter), kept until the next decision.</summary>
    public T CycleState<T>(string key, Func<T> compute)
    {
        if (!_cycle.TryGetValue(key, out var value))
        {
            _cycle[key] = value = compute();
        }

        return (T)value!;
    }

    /// <summary>Starts a decision: what plugins kept for the previous pod is dropped.</summary>
    public void BeginCycle() => _cycle.Clear();

    /// <summary>
    /// The cluster as <paramref name="pod"/> must see it: pods that preemption nominated to a node, of
    /// its priority or higher, count there as if placed, so the room freed for them is not taken.
    /// </summary>
    public ClusterSnapshot WithNominated(IReadOnlyList<V1Pod> nominated, V1Pod pod)
    {
        var priority = pod.Spec.Priority ?? 0;
        var waiting = nominated.Where(p => p.Metadata.Uid != pod.Metadata.Uid && (p.Spec.Priority ?? 0) >= priority)
            .ToLookup(p => p.Status.NominatedNodeName);
        if (waiting.Count == 0)
        {
            return this;
        }

        return new ClusterSnapshot(Nodes.Select(n => waiting.Contains(n.Name) ? new NodeInfo(n.Node, n.Pods.Concat(waiting[n.Name])) : n).ToList(), Now);
    }

    private Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>> IndexByLabel()
    {
        var index = new Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>>();
        foreach (var (pod, node) in PlacedPods)
        {
            foreach (var label in pod.Metadata.Labels ?? new Dictionary<string, string>())
            {
                Add(index, (label.Key, label.Value), (pod, node));
            }
        }

        return index;
    }

    internal static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> index, TKey key, TValue value)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(value);
    }
}

/// <summary>Rules a node out for a pod: returns Kubernetes' reasons (empty when the node fits).</summary>
public interface IFilterPlugin
{
    string Name { get; }

    IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster);

    /// <summary>Whether the filter can rule out any node for this pod at all; when not, it is skipped (Kubernetes' PreFilter "skip").</summary>
    bool FiltersPod(V1Pod pod, ClusterSnapshot cluster) => true;
}

/// <summary>Ranks the nodes that passed the filters: a score per node, normalised to 0..100, times the weight.</summary>
public interface IScorePlugin
{
    string Name { get; }

    int Weight { get; }

    double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster);

    /// <summary>Whether the scores could differ between nodes for this pod; when not, the plugin is skipped, which changes no choice.</summary>
    bool ScoresPod(V1Pod pod, ClusterSnapshot cluster) => true;

    /// <summary>Turns the raw scores of all feasible nodes into 0..100 (by default, as they are).</summary>
    void Normalize(double[] scores)
    {
    }
}

/// <summary>One decision: the chosen node, or the reasons every node gave.</summary>
public sealed record SchedulingResult(NodeInfo? Node, IReadOnlyList<string> Reasons, int NodeCount)
{
    /// <summary>Kubernetes' FailedScheduling message: <c>0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.</c></summary>
    public string Explain()
    {
        if (NodeCount == 0)
        {
            return "0/0 nodes are available: no nodes available to schedule pods.";
        }

        var counted = Reasons.GroupBy(r => r).Select(g => $"{g.Count()} {g.Key}").Order(StringComparer.Ordinal);
        return $"0/{NodeCount} nodes are available: {string.Join(", ", counted)}.";
    }
}

/// <summary>
/// Runs the plugins in one place, as kube-scheduler's framework: the filters on the nodes (collecting
/// the reasons), then every score on the nodes that passed, weighted and summed; the highest total
/// wins, ties going to the first node found. Clusters of 100 nodes or more are searched only until
/// enough nodes fit, from a rotating start.
/// </summary>
public sealed class SchedulingFramework(IReadOnlyList<IFilterPlugin> filters, IReadOnlyList<IScorePlugin> scores)
{
    /// <summary>Kubernetes' default plugins and weights.</summary>
    public static SchedulingFramework Default { get; } = new(
        [
            new NodeReadyFilter(), new NodeUnschedulablePlugin(), new NodeNamePlugin(), new TaintTolerationPlugin(),
            new NodeAffinityPlugin(), new NodePortsPlugin(), new NodeResourcesFitPlugin(), new PodTopologySpreadPlugin(), new InterPodAffinityPlugin(),
        ],
        [
            new NodeResourcesFitPlugin(), new BalancedAllocationPlugin(), new TaintTolerationPlugin(), new NodeAffinityPlugin(),
            new PodTopologySpreadPlugin(), new InterPodAffinityPlugin(), new ImageLocalityPlugin(),
        ]);

    private int _nextStart;

    public SchedulingResult Schedule(V1Pod pod, ClusterSnapshot cluster) => Schedule(pod, cluster, cluster);

    /// <summary>Chooses among <paramref name="candidates"/>' nodes, with <paramref name="cluster"/> as the whole cluster the plugins see.</summary>
    public SchedulingResult Schedule(V1Pod pod, ClusterSnapshot candidates, ClusterSnapshot cluster)
    {
        cluster.BeginCycle();
        var activeFilters = filters.Where(f => f.FiltersPod(pod, cluster)).ToList();
        var nodes = candidates.Nodes;
        var wanted = NodesToFind(nodes.Count);

        // In a large cluster the search stops once enough nodes fit, starting where the last one stopped,
        // so every node gets its turn (kube-scheduler's percentageOfNodesToScore).
        var start = wanted < nodes.Count ? _nextStart % nodes.Count : 0;
        var reasons = new List<string>();
        var feasible = new List<NodeInfo>();
        var checkedNodes = 0;
        for (; checkedNodes < nodes.Count && feasible.Count < wanted; checkedNodes++)
        {
            var node = nodes[(start + checkedNodes) % nodes.Count];
            if (FirstFailure(activeFilters, pod, node, cluster) is { } failed)
            {
                reasons.AddRange(failed);
            }
            else
            {
                feasible.Add(node);
            }
        }

        if (wanted < nodes.Count)
        {
            _nextStart = start + checkedNodes;
        }

        if (feasible.Count == 0)
        {
            return new SchedulingResult(null, reasons, candidates.Nodes.Count);
        }

        var totals = new double[feasible.Count];
        foreach (var plugin in scores.Where(p => p.ScoresPod(pod, cluster)))
        {
            var raw = feasible.Select(n => plugin.Score(pod, n, cluster)).ToArray();
            plugin.Normalize(raw);
            for (var i = 0; i < raw.Length; i++)
            {
                totals[i] += raw[i] * plugin.Weight;
            }
        }

        var best = 0;
        for (var i = 1; i < totals.Length; i++)
        {
            if (totals[i] > totals[best])
            {
                best = i;
            }
        }

        return new SchedulingResult(feasible[best], [], candidates.Nodes.Count);
    }

    /// <summary>Kubernetes' adaptive share of nodes to find feasible before choosing: all of a small cluster, 5 to 50 % of a large one, at least 100.</summary>
    public static int NodesToFind(int nodes)
    {
        if (nodes < 100)
        {
            return nodes;
        }

        var percentage = Math.Max(5, 50 - (nodes / 125));
        return Math.Max(100, nodes * percentage / 100);
    }

    // As in Kubernetes, the first filter that rejects a node gives its reasons (a resource filter lists every shortage).
    private static string[]? FirstFailure(List<IFilterPlugin> filters, V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        foreach (var filter in filters)
        {
            var reasons = filter.Filter(pod, node, cluster);
            if (reasons is ICollection<string> { Count: 0 })
            {
                continue;
            }

            var distinct = reasons.Distinct().ToArray();
            if (distinct.Length > 0)
            {
                return distinct;
            }
        }

        return null;
    }

    /// <summary>Scales raw scores so the highest is 100 (or, reversed, the lowest is 100), as Kubernetes' default normaliser.</summary>
    public static void NormalizeToMax(double[] scores, bool reverse)
    {
        var max = scores.Length == 0 ? 0 : scores.Max();
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = max <= 0 ? (reverse ? 100 : 0) : (reverse ? 100 - (scores[i] * 100 / max) : scores[i] * 100 / max);
        }
    }
}

/// <summary>
/// Placed pods' required anti-affinity terms, indexed by one <c>matchLabels</c> pair of each term, so an
/// incoming pod meets only the terms that could select it (terms without matchLabels are always met).
/// </summary>
internal sealed class AntiAffinityTerms
{
    private readonly Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)>> _byLabel = [];
    private readonly List<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> _unindexed = [];

    public AntiAffinityTerms(IEnumerable<(V1Pod Pod, NodeInfo Node)> placed)
    {
        foreach (var (pod, node) in placed)
        {
            Add(pod, node);
        }
    }

    public int Count { get; private set; }

    public void Add(V1Pod pod, NodeInfo node)
    {
        foreach (var term in pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            Count++;
            if (term.LabelSelector?.MatchLabels is { Count: > 0 } labels)
            {
                var (key, value) = labels.First();
                ClusterSnapshot.Add(_byLabel, (key, value), (pod, node, term));
            }
            else
            {
                _unindexed.Add((pod, node, term));
            }
        }
    }

    public IEnumerable<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> For(V1Pod pod) =>
        _unindexed.Concat((pod.Metadata.Labels ?? new Dictionary<string, string>())
            .SelectMany(l => _byLabel.GetValueOrDefault((l.Key, l.Value)) ?? []));
}
