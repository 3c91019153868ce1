using k8s.Models;
using KubePS.Core.Selectors;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// <c>topologySpreadConstraints</c>: with DoNotSchedule, a node is ruled out when placing the pod in
/// its domain would make that domain exceed the least-filled one by more than <c>maxSkew</c>; with
/// ScheduleAnyway, nodes in domains with fewer matching pods score higher.
/// </summary>
public sealed class PodTopologySpreadPlugin : IFilterPlugin, IScorePlugin
{
    public const string Unsatisfied = "node(s) didn't match pod topology spread constraints";
    public const string MissingLabel = "node(s) didn't match pod topology spread constraints (missing required label)";

    public string Name => "PodTopologySpread";

    public int Weight => 2;

    public bool FiltersPod(V1Pod pod, ClusterSnapshot cluster) => Constraints(pod, "DoNotSchedule").Any();

    public bool ScoresPod(V1Pod pod, ClusterSnapshot cluster) => Constraints(pod, "ScheduleAnyway").Any();

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        foreach (var constraint in Constraints(pod, "DoNotSchedule"))
        {
            if (!node.Labels.TryGetValue(constraint.TopologyKey, out var domain))
            {
                return [MissingLabel];
            }

            var counts = CountsFor(pod, constraint, cluster);
            var min = counts.Count == 0 ? 0 : counts.Values.Min();
            var self = Selector(constraint).Matches(pod.Metadata.Labels) ? 1 : 0;
            if (counts.GetValueOrDefault(domain) + self - min > constraint.MaxSkew)
            {
                return [Unsatisfied];
            }
        }

        return [];
    }

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        Constraints(pod, "ScheduleAnyway").Sum(constraint =>
            node.Labels.TryGetValue(constraint.TopologyKey, out var domain) ? CountsFor(pod, constraint, cluster).GetValueOrDefault(domain) : 0);

    public void Normalize(double[] scores) => SchedulingFramework.NormalizeToMax(scores, reverse: true);

    private static IEnumerable<V1TopologySpreadConstraint> Constraints(V1Pod pod, string when) =>
        (pod.Spec.TopologySpreadConstraints ?? []).Where(c => c.WhenUnsatisfiable == when);

    private static LabelSelector Selector(V1TopologySpreadConstraint constraint) => LabelSelector.FromObject(constraint.LabelSelector);

    // Worked out once per decision and constraint (the filter and the score share them).
    private Dictionary<string, int> CountsFor(V1Pod pod, V1TopologySpreadConstraint constraint, ClusterSnapshot cluster)
    {
        var counts = cluster.CycleState(Name, () => new Dictionary<V1TopologySpreadConstraint, Dictionary<string, int>>(ReferenceEqualityComparer.Instance));
        if (!counts.TryGetValue(constraint, out var domains))
        {
            counts[constraint] = domains = DomainCounts(pod, constraint, cluster);
        }

        return domains;
    }

    // Matching pods per domain value, over the nodes the pod could go to by its node selector and affinity (every such domain appears, maybe at 0).
    private static Dictionary<string, int> DomainCounts(V1Pod pod, V1TopologySpreadConstraint constraint, ClusterSnapshot cluster)
    {
        var selector = Selector(constraint);
        var counts = new Dictionary<string, int>();
        var eligible = new HashSet<NodeInfo>();
        foreach (var node in cluster.Nodes.Where(n => NodeAffinity.Matches(pod.Spec, n.Node)))
        {
            if (node.Labels.TryGetValue(constraint.TopologyKey, out var domain))
            {
                counts.TryAdd(domain, 0);
                eligible.Add(node);
            }
        }

        if (selector.IsEmpty)
        {
            return counts;
        }

        foreach (var (placed, node) in cluster.Candidates(constraint.LabelSelector))
        {
            if (eligible.Contains(node) && placed.Metadata.NamespaceProperty == pod.Metadata.NamespaceProperty
                && placed.Metadata.DeletionTimestamp is null && selector.Matches(placed.Metadata.Labels))
            {
                counts[node.Labels[constraint.TopologyKey]]++;
            }
        }

        return counts;
    }
}
