using k8s;

namespace KubePS.EndToEnd.Tests;

/// <summary>The node service while the engine is away: pods keep running, and it catches up when the engine returns.</summary>
public sealed class EngineOutageTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Pods_keep_running_while_the_engine_is_down_and_the_node_catches_up_after()
    {
        var client = cluster.Client;
        await client.CreateNamespacedPodAsync(ClusterFixture.Pod("survivor", "sleep 3600"), "default");
        await cluster.WaitForPodAsync("survivor", p => p.Status?.Phase == "Running");
        var containers = (await cluster.ContainersOfAsync("survivor")).Select(c => c.ID).Order().ToList();

        await cluster.RestartEngineAsync(away: TimeSpan.FromSeconds(5));

        Assert.Equal(containers, (await cluster.ContainersOfAsync("survivor")).Where(c => c.State == "running").Select(c => c.ID).Order());
        await client.CreateNamespacedPodAsync(ClusterFixture.Pod("newcomer", "sleep 3600"), "default");
        await cluster.WaitForPodAsync("newcomer", p => p.Status?.Phase == "Running", seconds: 60);

        var survivor = await client.ReadNamespacedPodAsync("survivor", "default");
        Assert.Equal("Running", survivor.Status.Phase);
        Assert.Equal(0, survivor.Status.ContainerStatuses[0].RestartCount);
        var node = await client.ReadNodeAsync(cluster.NodeName);
        Assert.Contains(node.Status.Conditions, c => c is { Type: "Ready", Status: "True" });
    }
}
