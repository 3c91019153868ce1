using k8s;

namespace KubePS.EndToEnd.Tests;

public sealed class NodeRestartTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Restarting_the_node_service_adopts_running_containers_instead_of_restarting_them()
    {
        var client = cluster.Client;
        await client.CreateNamespacedPodAsync(ClusterFixture.Pod("steady", "sleep 3600"), "default");
        var before = await cluster.WaitForPodAsync("steady", p => p.Status?.Phase == "Running");
        var containersBefore = (await cluster.ContainersOfAsync("steady")).Select(c => c.ID).Order().ToList();

        await cluster.StopNodeAsync();
        Assert.Equal(containersBefore, (await cluster.ContainersOfAsync("steady")).Where(c => c.State == "running").Select(c => c.ID).Order());
        await cluster.StartNodeAsync();

        // A full sync by the new instance: it rewrites nothing for a healthy pod, so wait for its heartbeat and a few resyncs.
        var nodeBefore = await client.ReadNodeAsync(cluster.NodeName);
        await ClusterFixture.Eventually(async () =>
            (await client.ReadNodeAsync(cluster.NodeName)).Metadata.ResourceVersion != nodeBefore.Metadata.ResourceVersion ? "beat" : null);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var after = await client.ReadNamespacedPodAsync("steady", "default");
        Assert.Equal("Running", after.Status.Phase);
        Assert.Equal(0, after.Status.ContainerStatuses[0].RestartCount);
        Assert.Equal(before.Status.ContainerStatuses[0].ContainerID, after.Status.ContainerStatuses[0].ContainerID);
        Assert.Equal(before.Status.ContainerStatuses[0].State.Running.StartedAt, after.Status.ContainerStatuses[0].State.Running.StartedAt);
        Assert.Equal(containersBefore, (await cluster.ContainersOfAsync("steady")).Select(c => c.ID).Order());
    }

    [Fact]
    public async Task A_second_node_service_for_the_same_node_refuses_to_start()
    {
        var e = Assert.Throws<InvalidOperationException>(() => NodeService.NodeHost.Build(new NodeService.NodeOptions
        {
            KubeConfigPath = "unused",
            NodeName = cluster.NodeName,
            DataPath = cluster.NodeDataPath,
            Port = 0,
        }));
        Assert.Contains("another node service", e.Message);
    }
}
