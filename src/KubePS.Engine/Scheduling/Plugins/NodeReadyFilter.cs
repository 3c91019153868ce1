using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// Keeps pods off nodes that are not Ready or whose agent stopped reporting. (Kubernetes does this
/// through the not-ready and unreachable taints; this filter covers a node before it is tainted.)
/// </summary>
public sealed class NodeReadyFilter : IFilterPlugin
{
    public const string NotReady = "node(s) were not ready";

    /// <summary>A node whose agent has not reported for this long is treated as not ready.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(40);

    public string Name => "NodeReady";

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster) =>
        node.IsReadyAt(cluster.Now) ? [] : [NotReady];

    public static bool IsReady(V1Node node, DateTime now)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return ready is { Status: "True" }
            && (ready.LastHeartbeatTime is not { } beat || now - beat.ToUniversalTime() < HeartbeatTimeout);
    }
}
