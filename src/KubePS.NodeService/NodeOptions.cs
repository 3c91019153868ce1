using KubePS.NodeService.Runtime;

namespace KubePS.NodeService;

/// <summary>Who this node is, where its state lives and how it reaches the engine and Docker.</summary>
public sealed class NodeOptions
{
    public string KubeConfigPath { get; set; } = "";

    public string NodeName { get; set; } = Environment.MachineName.ToLowerInvariant();

    public string DataPath { get; set; } = "";

    /// <summary>The node endpoint (logs) port, 10250 as the kubelet's; 0 picks a free one.</summary>
    public int Port { get; set; } = 10250;

    public string BindAddress { get; set; } = "127.0.0.1";

    public string DockerEndpoint { get; set; } = DockerRuntime.DefaultEndpoint;

    /// <summary>The image of the container that holds each pod's namespaces (Kubernetes' pause image).</summary>
    public string SandboxImage { get; set; } = "kubeps/busybox:1";

    /// <summary>Whether containers may run privileged (the kubelet's --allow-privileged); off by default.</summary>
    public bool AllowPrivileged { get; set; }

    /// <summary>
    /// How often each pod is re-synchronised without a reason; API changes, container exits, probe
    /// results and ending back-offs sync a pod at once. It picks up changed ConfigMaps and Secrets in volumes.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the node reports its status (the heartbeat).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}
