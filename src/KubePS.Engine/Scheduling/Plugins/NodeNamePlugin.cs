using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>A pod that names its node (<c>spec.nodeName</c>) fits only there.</summary>
public sealed class NodeNamePlugin : IFilterPlugin
{
    public const string Mismatch = "node(s) didn't match the requested node name";

    public string Name => "NodeName";

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Spec.NodeName == node.Name ? [] : [Mismatch];
}
