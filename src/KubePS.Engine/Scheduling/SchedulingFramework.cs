using k8s.Models;
using KubePS.Engine.Scheduling.Plugins;

namespace KubePS.Engine.Scheduling;

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
