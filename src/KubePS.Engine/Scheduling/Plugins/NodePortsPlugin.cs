using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>A pod's host ports must be free on the node (same protocol, overlapping host IP).</summary>
public sealed class NodePortsPlugin : IFilterPlugin
{
    public const string Taken = "node(s) didn't have free ports for the requested pod ports";

    public string Name => "NodePorts";

    public bool FiltersPod(V1Pod pod, ClusterSnapshot cluster) => HostPorts(pod).Any();

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var wanted = HostPorts(pod).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var used = node.Pods.SelectMany(HostPorts).ToList();
        return wanted.Any(w => used.Any(u => u.Port == w.Port && u.Protocol == w.Protocol && (u.Ip == w.Ip || u.Ip == "0.0.0.0" || w.Ip == "0.0.0.0")))
            ? [Taken]
            : [];
    }

    private static IEnumerable<(string Ip, string Protocol, int Port)> HostPorts(V1Pod pod) =>
        (pod.Spec.Containers ?? []).Concat(pod.Spec.InitContainers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Where(p => p.HostPort is > 0)
            .Select(p => (string.IsNullOrEmpty(p.HostIP) ? "0.0.0.0" : p.HostIP, p.Protocol ?? "TCP", p.HostPort!.Value));
}
