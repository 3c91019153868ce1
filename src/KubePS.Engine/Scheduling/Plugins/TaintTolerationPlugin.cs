using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// Filter: a node's NoSchedule and NoExecute taints must all be tolerated. Score: fewer untolerated
/// PreferNoSchedule taints is better.
/// </summary>
public sealed class TaintTolerationPlugin : IFilterPlugin, IScorePlugin
{
    public string Name => "TaintToleration";

    public int Weight => 3;

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        node.Node.Spec?.Taints is not { Count: > 0 }
            ? []
            : TaintToleration.Untolerated(pod.Spec.Tolerations, node.Node).Take(1).Select(t => $"node(s) had untolerated taint {{{t.Key}: {t.Value}}}").ToList();

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        if (node.Node.Spec?.Taints is not { Count: > 0 })
        {
            return 0;
        }

        var tolerations = (pod.Spec.Tolerations ?? []).Where(t => string.IsNullOrEmpty(t.Effect) || t.Effect == "PreferNoSchedule").ToList();
        return (node.Node.Spec?.Taints ?? []).Count(t => t.Effect == "PreferNoSchedule" && !tolerations.Any(x => TaintToleration.Tolerates(x, t)));
    }

    public void Normalize(double[] scores) => SchedulingFramework.NormalizeToMax(scores, reverse: true);
}
