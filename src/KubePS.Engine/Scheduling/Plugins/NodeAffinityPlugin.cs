using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// Filter: the pod's nodeSelector and required node affinity. Score: the summed weights of the
/// preferred terms the node matches.
/// </summary>
public sealed class NodeAffinityPlugin : IFilterPlugin, IScorePlugin
{
    public const string Mismatch = "node(s) didn't match Pod's node affinity/selector";

    public string Name => "NodeAffinity";

    public int Weight => 2;

    public bool FiltersPod(V1Pod pod, ClusterSnapshot cluster) =>
        pod.Spec.NodeSelector is { Count: > 0 } || pod.Spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is not null;

    public bool ScoresPod(V1Pod pod, ClusterSnapshot cluster) =>
        pod.Spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 };

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        NodeAffinity.Matches(pod.Spec, node.Node) ? [] : [Mismatch];

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        (pod.Spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
            .Where(term => NodeAffinity.TermMatches(term.Preference, node.Node))
            .Sum(term => term.Weight);

    public void Normalize(double[] scores) => SchedulingFramework.NormalizeToMax(scores, reverse: false);
}
