using k8s;
using k8s.Models;
using KubePS.Core.Networking;
using KubePS.Engine;
using KubePS.NodeService;
using KubePS.NodeService.Proxy;

namespace KubePS.EndToEnd.Tests;

/// <summary>A cluster of its own for the cleanup test, which stops its node service.</summary>
public sealed class CleanupServiceCluster : ClusterFixture
{
    public const string Range = "10.202.0.0/16";

    protected override EngineOptions Configure(EngineOptions options)
    {
        options.ServiceClusterIpRange = Range;
        options.ServiceNodePortRange = "30300-30399";
        return options;
    }

    protected override NodeOptions Configure(NodeOptions options)
    {
        options.ServiceClusterIpRange = Range;
        options.ProxyMode = ProxyMode.Iptables;
        options.DnsPort = 10055;
        return options;
    }
}

public sealed class ProxyCleanupTests(CleanupServiceCluster cluster) : IClassFixture<CleanupServiceCluster>
{
    [Fact]
    public async Task When_the_node_service_stops_no_rule_or_route_of_its_proxy_remains()
    {
        var prefix = IptablesProxier.ChainPrefix(Ipv4Cidr.Parse(CleanupServiceCluster.Range));
        var service = await cluster.Client.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec
            {
                Type = "NodePort",
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Ports = [new V1ServicePort { Port = 80 }],
            },
        }, "default");
        await ClusterFixture.Eventually(async () =>
            (await SaveAsync()).Contains(service.Spec.ClusterIP + "/32", StringComparison.Ordinal)
            && (await RunAsync("ip", "route", "show", "table", "local")).Contains(CleanupServiceCluster.Range) ? "routed" : null, seconds: 20);

        await cluster.StopNodeAsync();

        var rules = await SaveAsync();
        Assert.DoesNotContain(prefix, rules);
        Assert.DoesNotContain(service.Spec.ClusterIP, rules);
        Assert.DoesNotContain(CleanupServiceCluster.Range, await RunAsync("ip", "route", "show", "table", "local"));
        Assert.DoesNotContain("10.202.", await RunAsync("ip", "route", "show", "table", "all"));
    }

    private static Task<string> SaveAsync() => RunAsync("iptables-save");

    private static Task<string> RunAsync(string file, params string[] args) => HostCommand.RunAsync(file, args);
}
