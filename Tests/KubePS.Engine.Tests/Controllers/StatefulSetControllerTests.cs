using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The StatefulSet controller on a real engine, with a stand-in kubelet reporting readiness.</summary>
public sealed class StatefulSetControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1StatefulSet Set(string name, int replicas, string policy = "OrderedReady", string strategy = "RollingUpdate", int partition = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            PodManagementPolicy = policy,
            Selector = Workloads.Selector(name),
            Template = Workloads.Template(name),
            UpdateStrategy = strategy == "OnDelete"
                ? new V1StatefulSetUpdateStrategy { Type = "OnDelete" }
                : new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = partition } },
            VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data" },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                    },
                },
            ],
        },
    };

    private async Task<List<string>> NamesAsync(string ns, string app) =>
        (await Workloads.ActivePodsAsync(Client, ns, $"app={app}")).Select(p => p.Metadata.Name).Order().ToList();

    private Task SetImageAsync(string ns, string name, string image) =>
        Client.PatchNamespacedStatefulSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}""".Replace("IMAGE", image), V1Patch.PatchType.StrategicMergePatch), name, ns);

    private async Task<string> ImageOfAsync(string ns, string pod) => (await Client.ReadNamespacedPodAsync(pod, ns)).Spec.Containers[0].Image;

    /// <summary>Plays kubelet: makes each new pod ready, until the set reports every replica ready on its update revision.</summary>
    private async Task SettleAsync(string ns, string name)
    {
        await ApiIntegrationTests.Eventually(async () =>
        {
            await Workloads.MarkReadyAsync(Client, ns, $"app={name}");
            var set = await Client.ReadNamespacedStatefulSetAsync(name, ns);
            return set.Status is { } s && s.ObservedGeneration >= set.Metadata.Generation && s.ReadyReplicas == set.Spec.Replicas
                && s.UpdatedReplicas == set.Spec.Replicas && s.Replicas == set.Spec.Replicas ? set : null;
        }, seconds: 30);
    }

    [Fact]
    public async Task OrderedReady_creates_pods_one_by_one_in_order_each_with_its_own_claim()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "sts-order");
        await Client.CreateNamespacedStatefulSetAsync(Set("web", 3), ns);

        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var expected = Enumerable.Range(0, ordinal + 1).Select(i => $"web-{i}").ToList();
            await ApiIntegrationTests.Eventually(async () => (await NamesAsync(ns, "web")).SequenceEqual(expected) ? "" : null);
            await Task.Delay(300);
            Assert.Equal(expected, await NamesAsync(ns, "web"));
            var pod = await Client.ReadNamespacedPodAsync($"web-{ordinal}", ns);
            Assert.Equal($"data-web-{ordinal}", pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName);
            Assert.Equal(($"web-{ordinal}", "web"), (pod.Spec.Hostname, pod.Spec.Subdomain));
            await Workloads.MarkReadyAsync(Client, ns, "app=web");
        }

        await SettleAsync(ns, "web");
        var claims = (await Client.ListNamespacedPersistentVolumeClaimAsync(ns)).Items.Select(c => c.Metadata.Name).Order();
        Assert.Equal(["data-web-0", "data-web-1", "data-web-2"], claims);
    }

    [Fact]
    public async Task Scaling_down_removes_the_highest_ordinals_and_keeps_their_claims()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "sts-scale");
        await Client.CreateNamespacedStatefulSetAsync(Set("db", 3, policy: "Parallel"), ns);
        await ApiIntegrationTests.Eventually(async () => (await NamesAsync(ns, "db")).Count == 3 ? "" : null);
        await SettleAsync(ns, "db");

        await Client.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "db", ns);
        await ApiIntegrationTests.Eventually(async () => (await NamesAsync(ns, "db")).SequenceEqual(["db-0"]) ? "" : null);
        Assert.Equal(3, (await Client.ListNamespacedPersistentVolumeClaimAsync(ns)).Items.Count);
    }

    [Fact]
    public async Task A_rolling_update_replaces_pods_from_the_highest_ordinal_down_to_the_partition()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "sts-roll");
        await Client.CreateNamespacedStatefulSetAsync(Set("kv", 3, partition: 1), ns);
        await SettleAsync(ns, "kv");
        var before = (await Client.ReadNamespacedStatefulSetAsync("kv", ns)).Status.CurrentRevision;

        await SetImageAsync(ns, "kv", "kubeps/busybox:2");
        var replaced = new List<string>();
        await ApiIntegrationTests.Eventually(async () =>
        {
            foreach (var name in new[] { "kv-2", "kv-1" })
            {
                if (!replaced.Contains(name) && await ImageOfAsync(ns, name).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "") == "kubeps/busybox:2")
                {
                    replaced.Add(name);
                }
            }

            await Workloads.MarkReadyAsync(Client, ns, "app=kv");
            return replaced.Count == 2 ? "" : null;
        }, seconds: 30);

        Assert.Equal(["kv-2", "kv-1"], replaced);
        Assert.Equal("kubeps/busybox:1", await ImageOfAsync(ns, "kv-0"));
        var set = await Client.ReadNamespacedStatefulSetAsync("kv", ns);
        Assert.Equal(before, set.Status.CurrentRevision);
        Assert.NotEqual(set.Status.CurrentRevision, set.Status.UpdateRevision);
        Assert.Equal(2, (await Client.ListNamespacedControllerRevisionAsync(ns)).Items.Count);
    }

    [Fact]
    public async Task OnDelete_changes_a_pod_only_when_the_user_deletes_it()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "sts-ondelete");
        await Client.CreateNamespacedStatefulSetAsync(Set("q", 2, strategy: "OnDelete"), ns);
        await SettleAsync(ns, "q");

        await SetImageAsync(ns, "q", "kubeps/busybox:2");
        await Task.Delay(1000);
        Assert.Equal("kubeps/busybox:1", await ImageOfAsync(ns, "q-1"));

        await Client.DeleteNamespacedPodAsync("q-1", ns);
        await ApiIntegrationTests.Eventually(async () =>
            (await Workloads.ActivePodsAsync(Client, ns, "app=q")).FirstOrDefault(p => p.Metadata.Name == "q-1") is { } pod
            && pod.Spec.Containers[0].Image == "kubeps/busybox:2" ? pod : null);
        Assert.Equal("kubeps/busybox:1", await ImageOfAsync(ns, "q-0"));
    }
}
