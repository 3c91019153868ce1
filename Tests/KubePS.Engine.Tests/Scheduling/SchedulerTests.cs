using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Scheduling;

/// <summary>The scheduler inside a real engine, with nodes registered through the API.</summary>
public sealed class SchedulerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private async Task RegisterNodeAsync(string name, string cpu, Dictionary<string, string>? labels = null)
    {
        try
        {
            await Client.CreateNodeAsync(new V1Node
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Status = new V1NodeStatus
                {
                    Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("1Gi"), ["pods"] = new("10") },
                    Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTime.UtcNow }],
                },
            });
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Registered by an earlier test of this class.
        }
    }

    private static V1Pod Pod(string name, string cpu, Dictionary<string, string>? nodeSelector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeSelector = nodeSelector,
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "kubeps/busybox:1",
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } },
                },
            ],
        },
    };

    [Fact]
    public async Task A_pod_is_bound_to_the_node_that_has_room_and_matches_its_selector()
    {
        await RegisterNodeAsync("small", "500m", new() { ["disk"] = "hdd" });
        await RegisterNodeAsync("large", "4", new() { ["disk"] = "ssd" });

        await Client.CreateNamespacedPodAsync(Pod("needs-cpu", "1"), "default");
        await Client.CreateNamespacedPodAsync(Pod("wants-hdd", "100m", new() { ["disk"] = "hdd" }), "default");

        var big = await ApiIntegrationTests.Eventually(async () =>
            (await Client.ReadNamespacedPodAsync("needs-cpu", "default")) is { Spec.NodeName.Length: > 0 } p ? p : null);
        var hdd = await ApiIntegrationTests.Eventually(async () =>
            (await Client.ReadNamespacedPodAsync("wants-hdd", "default")) is { Spec.NodeName.Length: > 0 } p ? p : null);
        Assert.Equal("large", big.Spec.NodeName);
        Assert.Equal("small", hdd.Spec.NodeName);

        var scheduled = await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=needs-cpu,reason=Scheduled");
        Assert.Equal("Successfully assigned default/needs-cpu to large", Assert.Single(scheduled.Items).Message);
    }

    [Fact]
    public async Task A_pod_that_fits_nowhere_stays_Pending_and_the_event_says_why_per_node()
    {
        await RegisterNodeAsync("small", "500m", new() { ["disk"] = "hdd" });
        await RegisterNodeAsync("large", "4", new() { ["disk"] = "ssd" });

        await Client.CreateNamespacedPodAsync(Pod("too-big", "8"), "default");

        var events = await ApiIntegrationTests.Eventually(async () =>
        {
            var list = await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=too-big,reason=FailedScheduling");
            return list.Items.Count > 0 ? list.Items : null;
        });
        Assert.Equal("0/2 nodes are available: 2 Insufficient cpu.", events[0].Message);
        var pod = await Client.ReadNamespacedPodAsync("too-big", "default");
        Assert.True(string.IsNullOrEmpty(pod.Spec.NodeName));
        Assert.Equal("Pending", pod.Status.Phase);
    }
}
