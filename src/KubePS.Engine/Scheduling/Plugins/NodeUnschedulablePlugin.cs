using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>A cordoned node (<c>spec.unschedulable</c>) takes only pods that tolerate <c>node.kubernetes.io/unschedulable</c>.</summary>
public sealed class NodeUnschedulablePlugin : IFilterPlugin
{
    public const string Unschedulable = "node(s) were unschedulable";
    private static readonly V1Taint Taint = new() { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" };

    public string Name => "NodeUnschedulable";

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        node.Node.Spec?.Unschedulable == true && !(pod.Spec.Tolerations ?? []).Any(t => TaintToleration.Tolerates(t, Taint)) ? [Unschedulable] : [];
}
