using k8s;

namespace KubePS.EndToEnd.Tests;

/// <summary>metrics.k8s.io from the node's Docker stats: kubectl top and the client library see real usage.</summary>
public sealed class MetricsTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    [Fact]
    public async Task A_busy_pod_shows_cpu_and_memory_in_the_metrics_API_and_kubectl_top()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("busy", "while true; do :; done"), "default");
        await cluster.WaitForPodAsync("busy", p => p.Status?.Phase == "Running");

        var metrics = await ClusterFixture.Eventually(async () =>
        {
            var list = await Client.GetKubernetesPodsMetricsByNamespaceAsync("default");
            var busy = list.Items.FirstOrDefault(m => m.Metadata.Name == "busy");
            return busy?.Containers.Single().Usage["cpu"].ToDecimal() > 0.1m ? busy : null;
        }, seconds: 40);
        Assert.Equal("app", metrics.Containers[0].Name);
        Assert.True(metrics.Containers[0].Usage["memory"].ToDecimal() > 0);

        var (podsExit, pods) = await cluster.Kubectl.RunAsync("top", "pods", "busy");
        Assert.True(podsExit == 0, pods);
        Assert.Matches(@"busy\s+\d+m\s+\d+Mi", pods);

        var (nodesExit, nodes) = await cluster.Kubectl.RunAsync("top", "nodes");
        Assert.True(nodesExit == 0, nodes);
        Assert.Contains(cluster.NodeName, nodes);
    }
}
