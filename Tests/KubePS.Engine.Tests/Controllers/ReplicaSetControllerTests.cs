using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The ReplicaSet controller on a real engine, with a stand-in kubelet reporting readiness.</summary>
public sealed class ReplicaSetControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1ReplicaSet ReplicaSet(string name, int replicas, int minReadySeconds = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ReplicaSetSpec { Replicas = replicas, MinReadySeconds = minReadySeconds, Selector = Workloads.Selector(name), Template = Workloads.Template(name) },
    };

    [Fact]
    public async Task A_replica_set_keeps_its_replica_count_of_owned_pods_when_pods_are_deleted_and_when_scaled()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "rs-count");
        var rs = await Client.CreateNamespacedReplicaSetAsync(ReplicaSet("web", 3), ns);

        var pods = await Workloads.ActivePodsAsync(Client, ns, "app=web", 3);
        Assert.All(pods, p =>
        {
            Assert.StartsWith("web-", p.Metadata.Name);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal((rs.Metadata.Uid, "ReplicaSet", true), (owner.Uid, owner.Kind, owner.Controller == true));
        });

        await Client.DeleteNamespacedPodAsync(pods[0].Metadata.Name, ns, gracePeriodSeconds: 0);
        var replaced = await Workloads.ActivePodsAsync(Client, ns, "app=web", 3);
        Assert.DoesNotContain(replaced, p => p.Metadata.Name == pods[0].Metadata.Name);

        await Client.PatchNamespacedReplicaSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "web", ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=web", 1);
        await Task.Delay(500);
        Assert.Single(await Workloads.ActivePodsAsync(Client, ns, "app=web"));
    }

    [Fact]
    public async Task A_replica_set_adopts_a_matching_orphan_and_releases_a_pod_whose_labels_stop_matching()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "rs-adopt");
        await Client.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "orphan", Labels = new Dictionary<string, string> { ["app"] = "api" } }, Spec = Workloads.Template("api").Spec }, ns);
        var rs = await Client.CreateNamespacedReplicaSetAsync(ReplicaSet("api", 2), ns);

        var pods = await Workloads.ActivePodsAsync(Client, ns, "app=api", 2);
        var orphan = Assert.Single(pods, p => p.Metadata.Name == "orphan");
        Assert.Equal(rs.Metadata.Uid, Assert.Single(orphan.Metadata.OwnerReferences).Uid);

        await Client.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"labels":{"app":"debug"}}}""", V1Patch.PatchType.MergePatch), "orphan", ns);
        var released = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedPodAsync("orphan", ns) is { Metadata.OwnerReferences: null or { Count: 0 } } pod ? pod : null);
        Assert.Equal("debug", released.Metadata.Labels["app"]);
        var again = await Workloads.ActivePodsAsync(Client, ns, "app=api", 2);
        Assert.DoesNotContain(again, p => p.Metadata.Name == "orphan");
    }

    [Fact]
    public async Task Status_counts_ready_pods_and_available_ones_only_after_min_ready_seconds()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "rs-status");
        await Client.CreateNamespacedReplicaSetAsync(ReplicaSet("db", 2, minReadySeconds: 3), ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=db", 2);

        await Workloads.MarkReadyAsync(Client, ns, "app=db");
        var ready = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedReplicaSetAsync("db", ns) is { Status.ReadyReplicas: 2 } rs ? rs : null);
        Assert.Equal(2, ready.Status.Replicas);
        Assert.Equal(1, ready.Status.ObservedGeneration);
        Assert.True(ready.Status.AvailableReplicas is null or 0, "pods ready for less than minReadySeconds are not available yet");

        var available = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedReplicaSetAsync("db", ns) is { Status.AvailableReplicas: 2 } rs ? rs : null, seconds: 10);
        Assert.Equal(2, available.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Writers_racing_the_controller_on_the_same_replica_set_do_not_stop_it_converging()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "rs-race");
        await Client.CreateNamespacedReplicaSetAsync(ReplicaSet("busy", 1), ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=busy", 1);

        // Other writers change the object while the controller writes its status: its writes lose races and are retried.
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await Client.PatchNamespacedReplicaSetAsync(
                    new V1Patch("""{"metadata":{"labels":{"writer-W":"I"}}}""".Replace("W", $"{w}").Replace("I", $"{i}"), V1Patch.PatchType.MergePatch), "busy", ns);
            }
        })).ToList();
        await Client.PatchNamespacedReplicaSetScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "busy", ns);
        await Task.WhenAll(writers);
        await Workloads.MarkReadyAsync(Client, ns, "app=busy");

        var settled = await ApiIntegrationTests.Eventually(async () =>
        {
            await Workloads.MarkReadyAsync(Client, ns, "app=busy");
            var rs = await Client.ReadNamespacedReplicaSetAsync("busy", ns);
            return rs.Status is { Replicas: 4, ReadyReplicas: 4 } && rs.Status.ObservedGeneration == rs.Metadata.Generation ? rs : null;
        });
        Assert.Equal(4, settled.Status.AvailableReplicas);
        Assert.Equal(4, (await Workloads.ActivePodsAsync(Client, ns, "app=busy")).Count);
    }
}
