using k8s.Models;
using KubePS.NodeService.Dns;
using KubePS.NodeService.Proxy;

namespace KubePS.NodeService.Tests;

/// <summary>How Services and Endpoints become the routes the proxy programs, and pods' resolv.conf.</summary>
public sealed class ProxyTableTests
{
    private static V1Service Service(string name, string? clusterIp = "10.96.0.20", string type = "ClusterIP") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Ports =
            [
                new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = type == "NodePort" ? 30080 : null },
                new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" },
            ],
        },
    };

    private static Dictionary<string, V1Endpoints> Endpoints(string service, params (string Ip, string Node)[] ready) => new()
    {
        [$"shop/{service}"] = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = service, NamespaceProperty = "shop" },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = ready.Select(r => new V1EndpointAddress { Ip = r.Ip, NodeName = r.Node }).ToList(),
                    NotReadyAddresses = [new V1EndpointAddress { Ip = "10.1.0.99", NodeName = "here" }],
                    Ports = [new Corev1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }, new Corev1EndpointPort { Name = "dns", Port = 5353, Protocol = "UDP" }],
                },
            ],
        },
    };

    [Fact]
    public void Each_service_port_routes_to_the_ready_endpoints_on_the_port_of_the_same_name_and_protocol()
    {
        var routes = ProxyTable.Build([Service("web")], Endpoints("web", ("10.1.0.3", "here"), ("10.1.0.2", "there")), "here");

        var http = Assert.Single(routes, r => r.Protocol == "TCP");
        Assert.Equal(("shop/web:http", "10.96.0.20", 80), (http.Name, http.ClusterIp.ToString(), http.Port));
        Assert.Equal([("10.1.0.2", 8080, false), ("10.1.0.3", 8080, true)], http.Endpoints.Select(e => (e.Ip, e.Port, e.Local)));
        var dns = Assert.Single(routes, r => r.Protocol == "UDP");
        Assert.Equal([5353, 5353], dns.Endpoints.Select(e => e.Port));
        Assert.DoesNotContain(routes.SelectMany(r => r.Endpoints), e => e.Ip == "10.1.0.99");
    }

    [Fact]
    public void Local_traffic_policies_keep_only_this_nodes_endpoints_for_their_side()
    {
        var service = Service("web", type: "NodePort");
        service.Spec.InternalTrafficPolicy = "Local";
        var routes = ProxyTable.Build([service], Endpoints("web", ("10.1.0.2", "there"), ("10.1.0.3", "here")), "here");
        var http = Assert.Single(routes, r => r.Protocol == "TCP");
        Assert.Equal(["10.1.0.3"], http.ClusterEndpoints.Select(e => e.Ip));
        Assert.Equal(2, http.ExternalEndpoints.Count);
        Assert.Equal(30080, http.NodePort);

        service.Spec.InternalTrafficPolicy = "Cluster";
        service.Spec.ExternalTrafficPolicy = "Local";
        http = Assert.Single(ProxyTable.Build([service], Endpoints("web", ("10.1.0.2", "there"), ("10.1.0.3", "here")), "here"), r => r.Protocol == "TCP");
        Assert.Equal(2, http.ClusterEndpoints.Count);
        Assert.Equal(["10.1.0.3"], http.ExternalEndpoints.Select(e => e.Ip));
    }

    [Fact]
    public void Headless_and_external_name_services_are_not_proxied_and_affinity_carries_its_timeout()
    {
        var external = Service("alias", clusterIp: null, type: "ExternalName");
        var sticky = Service("sticky");
        sticky.Spec.SessionAffinity = "ClientIP";
        var routes = ProxyTable.Build([Service("db", clusterIp: "None"), external, sticky], Endpoints("db", ("10.1.0.2", "here")), "here");

        Assert.All(routes, r => Assert.Equal("shop/sticky", r.ServiceKey));
        Assert.All(routes, r => Assert.Equal(10800, r.AffinitySeconds));
        Assert.All(routes, r => Assert.Empty(r.Endpoints));
    }

    [Fact]
    public void Pods_resolve_through_the_cluster_dns_unless_their_policy_says_otherwise()
    {
        var options = new NodeOptions { ServiceClusterIpRange = "10.100.0.0/16" };
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "shop" }, Spec = new V1PodSpec() };

        var first = PodDns.For(pod, options)!;
        Assert.Equal(["10.100.0.10"], first.Nameservers);
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], first.Searches);
        Assert.Equal(["ndots:5"], first.Options);

        pod.Spec.HostNetwork = true;
        Assert.Null(PodDns.For(pod, options));

        pod.Spec.HostNetwork = false;
        pod.Spec.DnsPolicy = "None";
        pod.Spec.DnsConfig = new V1PodDNSConfig { Nameservers = ["10.0.0.53"], Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "2" }] };
        var none = PodDns.For(pod, options)!;
        Assert.Equal(["10.0.0.53"], none.Nameservers);
        Assert.Empty(none.Searches);
        Assert.Equal(["ndots:2"], none.Options);
    }
}

/// <summary>The node's pressure conditions from what the machine has left, at the kubelet's default thresholds.</summary>
public sealed class NodePressureTests
{
    [Fact]
    public void Pressure_starts_below_100Mi_of_memory_10_percent_of_disk_and_above_90_percent_of_pids()
    {
        const long Mi = 1024 * 1024;
        var healthy = new KubePS.NodeService.Node.NodeResources(2048 * Mi, 50 * Mi, 100 * Mi, 100, 1000);
        Assert.False(healthy.MemoryPressure || healthy.DiskPressure || healthy.PidPressure);

        var starved = new KubePS.NodeService.Node.NodeResources(99 * Mi, 9 * Mi, 100 * Mi, 901, 1000);
        Assert.True(starved.MemoryPressure && starved.DiskPressure && starved.PidPressure);

        var unknown = new KubePS.NodeService.Node.NodeResources(null, 1, 0, null, null);
        Assert.False(unknown.MemoryPressure || unknown.DiskPressure || unknown.PidPressure);
    }

    [Fact]
    public void This_machine_reads_without_pressure()
    {
        var here = KubePS.NodeService.Node.NodeResources.Read(Path.GetTempPath());
        Assert.True(here.DiskTotalBytes > 0);
        Assert.NotNull(here.MemoryAvailableBytes);
        Assert.False(here.PidPressure);
    }
}
