using k8s;
using k8s.Models;
using KubePS.Core.Networking;
using KubePS.NodeService.Proxy;

namespace KubePS.EndToEnd.Tests;

/// <summary>Clusters of their own for the cleanup tests, which stop their node service.</summary>
public sealed class CleanupServiceCluster() : ServiceCluster("10.202.0.0/16", "30300-30349", ProxyMode.Iptables, 10055);

public sealed class UserspaceCleanupServiceCluster() : ServiceCluster("10.203.0.0/16", "30350-30399", ProxyMode.Userspace, 10056);

public sealed class IptablesProxyCleanupTests(CleanupServiceCluster cluster) : ProxyCleanupTests(cluster), IClassFixture<CleanupServiceCluster>;

public sealed class UserspaceProxyCleanupTests(UserspaceCleanupServiceCluster cluster) : ProxyCleanupTests(cluster), IClassFixture<UserspaceCleanupServiceCluster>;

public abstract class ProxyCleanupTests(ServiceCluster cluster)
{
    [Fact]
    public async Task When_the_node_service_stops_no_rule_listener_or_route_of_its_proxy_remains()
    {
        var prefix = IptablesProxier.ChainPrefix(Ipv4Cidr.Parse(cluster.Range));
        await cluster.Client.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "kubeps/busybox:1", Command = ["sh", "-c", "exec httpd -f -p 80 -h /"] }] },
        }, "default");
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
            (await SaveAsync()).Contains(service.Spec.ClusterIP + "/32", StringComparison.Ordinal) == (cluster.Mode == ProxyMode.Iptables)
            && (await RunAsync("ss", "-ltn")).Contains(service.Spec.ClusterIP + ":80") == (cluster.Mode == ProxyMode.Userspace)
            && (await RunAsync("ip", "route", "show", "table", "local")).Contains(cluster.Range) ? "routed" : null, seconds: 60);

        await cluster.StopNodeAsync();

        var rules = await SaveAsync();
        Assert.DoesNotContain(prefix, rules);
        Assert.DoesNotContain(service.Spec.ClusterIP, rules);
        Assert.DoesNotContain(cluster.Range, await RunAsync("ip", "route", "show", "table", "local"));
        Assert.DoesNotContain(cluster.Range[..^5], await RunAsync("ip", "route", "show", "table", "all"));
        Assert.DoesNotContain(service.Spec.ClusterIP, await RunAsync("ss", "-ltnu"));
    }

    private static Task<string> SaveAsync() => RunAsync("iptables-save");

    private static Task<string> RunAsync(string file, params string[] args) => HostCommand.RunAsync(file, args);
}
