using KubePS.Core.Networking;
using KubePS.NodeService.Proxy;
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

    /// <summary>How often the node reports its full status.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the node renews its Lease in kube-node-lease, the heartbeat the engine watches (its grace period is 20 s).</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The cluster's service range, as the engine's <c>--service-cluster-ip-range</c>; the DNS Service is its tenth address.</summary>
    public string ServiceClusterIpRange { get; set; } = Ipv4Cidr.DefaultServiceRange.ToString();

    /// <summary>How Services are routed on this machine: iptables (Linux default), userspace (in-process proxies; Windows), or none.</summary>
    public ProxyMode ProxyMode { get; set; } = OperatingSystem.IsLinux() ? ProxyMode.Iptables : ProxyMode.Userspace;

    /// <summary>The port the cluster DNS listens on, on the host's address in the pod network (the kube-dns Service forwards to it).</summary>
    public int DnsPort { get; set; } = 53;

    /// <summary>Where names outside the cluster domain are resolved; empty uses the host's resolv.conf.</summary>
    public IList<string> UpstreamDns { get; set; } = [];

    public Ipv4Cidr ServiceRange => Ipv4Cidr.Parse(ServiceClusterIpRange);

    /// <summary>The cluster DNS Service's address, which pods get as their nameserver (the kubelet's --cluster-dns).</summary>
    public System.Net.IPAddress ClusterDnsAddress => ServiceRange.AddressAt(10);
}
