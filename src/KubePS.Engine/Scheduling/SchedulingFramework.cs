using k8s.Models;
using KubePS.Core.Resources;
using KubePS.Engine.Scheduling.Plugins;

namespace KubePS.Engine.Scheduling;

/// <summary>A node as the scheduler sees it: the node, the pods on it (bound or assumed), and their sums.</summary>
public sealed class NodeInfo
{
    public NodeInfo(V1Node node, IEnumerable<V1Pod> pods)
    {
        Node = node;
        Pods = pods.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        Requested = Pods.Aggregate(default(ResourceAmount), (sum, p) => sum + PodResources.Requests(p.Spec));
        Allocatable = ResourceAmount.From(node.Status?.Allocatable ?? node.Status?.Capacity);
    }

    public V1Node Node { get; }

    public string Name => Node.Metadata.Name;

    public IDictionary<string, string> Labels => Node.Metadata.Labels ?? new Dictionary<string, string>();

    public List<V1Pod> Pods { get; }

    public ResourceAmount Requested { get; private set; }

    public ResourceAmount Allocatable { get; }

    /// <summary>How many pods the node takes (its allocatable <c>pods</c>), or null when it does not say.</summary>
    public decimal? MaxPods =>
        (Node.Status?.Allocatable ?? Node.Status?.Capacity) is { } list && list.TryGetValue("pods", out var pods) ? pods.ToDecimal() : null;

    /// <summary>Counts a pod the scheduler just placed here, before the watch reports it bound.</summary>
    public void Assume(V1Pod pod)
    {
        Pods.Add(pod);
        Requested += PodResources.Requests(pod.Spec);
    }
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
    private List<(V1Pod Pod, NodeInfo Node)>? _withAntiAffinity;

    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();

    public DateTime Now { get; } = now;

    public IEnumerable<(V1Pod Pod, NodeInfo Node)> PlacedPods => Nodes.SelectMany(n => n.Pods.Select(p => (p, n)));

    /// <summary>The placed pods with required pod anti-affinity terms (which every incoming pod must respect).</summary>
    public IReadOnlyList<(V1Pod Pod, NodeInfo Node)> PodsWithRequiredAntiAffinity =>
        _withAntiAffinity ??= PlacedPods.Where(x => HasRequiredAntiAffinity(x.Pod)).ToList();

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

        if (HasRequiredAntiAffinity(pod))
        {
            _withAntiAffinity?.Add((pod, node));
        }
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

    private static bool HasRequiredAntiAffinity(V1Pod pod) =>
        pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { Count: > 0 };

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

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> index, TKey key, TValue value)
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
}

/// <summary>Ranks the nodes that passed the filters: a score per node, normalised to 0..100, times the weight.</summary>
public interface IScorePlugin
{
    string Name { get; }

    int Weight { get; }

    double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster);

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
            if (FirstFailure(pod, node, cluster) is { } failed)
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
        foreach (var plugin in scores)
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
    private string[]? FirstFailure(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
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
