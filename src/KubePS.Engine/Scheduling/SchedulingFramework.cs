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

/// <summary>The nodes and their pods at one moment, shared by every plugin for one decision.</summary>
public sealed class ClusterSnapshot(IReadOnlyList<NodeInfo> nodes, DateTime now)
{
    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes;

    public DateTime Now { get; } = now;

    public IEnumerable<(V1Pod Pod, NodeInfo Node)> PlacedPods => Nodes.SelectMany(n => n.Pods.Select(p => (p, n)));

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
/// Runs the plugins in one place, as kube-scheduler's framework: every filter on every node
/// (collecting the reasons), then every score on the nodes that passed, weighted and summed; the
/// highest total wins, ties going to the first node by name.
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

    public SchedulingResult Schedule(V1Pod pod, ClusterSnapshot cluster) => Schedule(pod, cluster, cluster);

    /// <summary>Chooses among <paramref name="candidates"/>' nodes, with <paramref name="cluster"/> as the whole cluster the plugins see.</summary>
    public SchedulingResult Schedule(V1Pod pod, ClusterSnapshot candidates, ClusterSnapshot cluster)
    {
        var reasons = new List<string>();
        var feasible = new List<NodeInfo>();
        foreach (var node in candidates.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            // As in Kubernetes, the first filter that rejects a node gives its reasons (a resource filter lists every shortage).
            var failed = filters.Select(f => f.Filter(pod, node, cluster).Distinct().ToList()).FirstOrDefault(r => r.Count > 0);
            if (failed is null)
            {
                feasible.Add(node);
            }
            else
            {
                reasons.AddRange(failed);
            }
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
