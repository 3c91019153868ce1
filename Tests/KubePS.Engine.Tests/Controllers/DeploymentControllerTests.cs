using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The Deployment controller on a real engine, with a stand-in kubelet reporting readiness.</summary>
public sealed class DeploymentControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Deployment Deployment(string name, int replicas, string strategy = "RollingUpdate", string maxSurge = "1", string maxUnavailable = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = Workloads.Selector(name),
            Template = Workloads.Template(name),
            Strategy = strategy == "Recreate"
                ? new V1DeploymentStrategy { Type = "Recreate" }
                : new V1DeploymentStrategy { Type = strategy, RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
        },
    };

    private Task<List<V1ReplicaSet>> ReplicaSetsAsync(string ns, string app) =>
        Task.Run(async () => (await Client.ListNamespacedReplicaSetAsync(ns, labelSelector: $"app={app}")).Items.ToList());

    private async Task SetImageAsync(string ns, string name, string image) =>
        await Client.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}""".Replace("IMAGE", image), V1Patch.PatchType.StrategicMergePatch), name, ns);

    /// <summary>Plays kubelet until the rollout completes, making one pod ready per step, and returns what every step looked like.</summary>
    private async Task<List<(int Pods, int Ready)>> CompleteRolloutAsync(string ns, string name)
    {
        var steps = new List<(int, int)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pods = await Workloads.ActivePodsAsync(Client, ns, $"app={name}");
            var ready = pods.Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList();
            steps.Add((pods.Count, ready.Count));
            var d = await Client.ReadNamespacedDeploymentAsync(name, ns);
            if (d.Status is { } s && s.ObservedGeneration >= d.Metadata.Generation && s.UpdatedReplicas == d.Spec.Replicas
                && s.Replicas == d.Spec.Replicas && s.AvailableReplicas == d.Spec.Replicas)
            {
                return steps;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"rollout of {name} did not complete: {KubernetesJson.Serialize(d.Status ?? new V1DeploymentStatus())}");
            }

            if (pods.FirstOrDefault(p => !ready.Contains(p)) is { } next)
            {
                await Workloads.SetPhaseAsync(Client, next, "Running", ready: true);
            }

            await Task.Delay(150);
        }
    }

    [Fact]
    public async Task A_deployment_creates_a_revision_1_replica_set_named_by_its_template_hash_and_reports_availability()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-basic");
        var d = await Client.CreateNamespacedDeploymentAsync(Deployment("web", 3), ns);

        var pods = await Workloads.ActivePodsAsync(Client, ns, "app=web", 3);
        var rs = Assert.Single(await ReplicaSetsAsync(ns, "web"));
        var hash = rs.Metadata.Labels["pod-template-hash"];
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal("1", rs.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal(d.Metadata.Uid, Assert.Single(rs.Metadata.OwnerReferences, r => r.Controller == true).Uid);
        Assert.All(pods, p => Assert.Equal(hash, p.Metadata.Labels["pod-template-hash"]));

        await CompleteRolloutAsync(ns, "web");
        var done = await Client.ReadNamespacedDeploymentAsync("web", ns);
        Assert.Equal("1", done.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal((3, 3, 3, 0), (done.Status.Replicas, done.Status.UpdatedReplicas, done.Status.ReadyReplicas, done.Status.UnavailableReplicas ?? 0));
        Assert.Contains(done.Status.Conditions, c => c is { Type: "Available", Status: "True", Reason: "MinimumReplicasAvailable" });
        Assert.Contains(done.Status.Conditions, c => c is { Type: "Progressing", Status: "True", Reason: "NewReplicaSetAvailable" });
    }

    [Fact]
    public async Task A_rolling_update_stays_within_max_surge_and_max_unavailable_on_every_step()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-roll");
        await Client.CreateNamespacedDeploymentAsync(Deployment("api", 4, maxSurge: "1", maxUnavailable: "1"), ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=api", 4);
        await CompleteRolloutAsync(ns, "api");

        await SetImageAsync(ns, "api", "kubeps/busybox:2");
        var steps = await CompleteRolloutAsync(ns, "api");

        Assert.True(steps.Count > 4, "the rollout went in steps");
        Assert.All(steps, s => Assert.True(s.Pods <= 5, $"{s.Pods} pods exceed replicas + maxSurge"));
        Assert.All(steps, s => Assert.True(s.Ready >= 3, $"{s.Ready} ready pods fall below replicas - maxUnavailable"));
        var sets = await ReplicaSetsAsync(ns, "api");
        Assert.Equal(2, sets.Count);
        var newest = Assert.Single(sets, s => s.Metadata.Annotations["deployment.kubernetes.io/revision"] == "2");
        Assert.Equal("kubeps/busybox:2", newest.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(4, newest.Spec.Replicas);
        Assert.Equal(0, Assert.Single(sets, s => s != newest).Spec.Replicas);
        Assert.All(await Workloads.ActivePodsAsync(Client, ns, "app=api"), p => Assert.Equal("kubeps/busybox:2", p.Spec.Containers[0].Image));
    }

    [Fact]
    public async Task Rolling_back_to_an_equivalent_template_reuses_the_old_replica_set_as_the_newest_revision()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-undo");
        await Client.CreateNamespacedDeploymentAsync(Deployment("svc", 2), ns);
        await CompleteRolloutAsync(ns, "svc");
        await SetImageAsync(ns, "svc", "kubeps/busybox:2");
        await CompleteRolloutAsync(ns, "svc");
        var first = Assert.Single(await ReplicaSetsAsync(ns, "svc"), s => s.Metadata.Annotations["deployment.kubernetes.io/revision"] == "1");

        // What kubectl rollout undo sends: the old ReplicaSet's template without its hash label, as kubectl normalises it.
        var template = KubernetesJson.Serialize(first.Spec.Template).Replace($",\"pod-template-hash\":\"{first.Metadata.Labels["pod-template-hash"]}\"", "");
        template = template.Replace("\"metadata\":{", "\"metadata\":{\"creationTimestamp\":null,").Replace("\"image\":", "\"resources\":{},\"image\":");
        Assert.DoesNotContain("pod-template-hash", template);
        var current = await Client.ReadNamespacedDeploymentAsync("svc", ns);
        var annotations = KubernetesJson.Serialize(current.Metadata.Annotations);
        await Client.PatchNamespacedDeploymentAsync(new V1Patch(
            $$"""[{"op":"replace","path":"/spec/template","value":{{template}}},{"op":"replace","path":"/metadata/annotations","value":{{annotations}}}]""",
            V1Patch.PatchType.JsonPatch), "svc", ns);
        await CompleteRolloutAsync(ns, "svc");

        var sets = await ReplicaSetsAsync(ns, "svc");
        Assert.Equal(2, sets.Count);
        var restored = Assert.Single(sets, s => s.Metadata.Uid == first.Metadata.Uid);
        Assert.Equal("3", restored.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal(2, restored.Spec.Replicas);
        Assert.Equal("3", (await Client.ReadNamespacedDeploymentAsync("svc", ns)).Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task Recreate_removes_every_old_pod_before_the_first_new_one()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-recreate");
        await Client.CreateNamespacedDeploymentAsync(Deployment("batch", 3, strategy: "Recreate"), ns);
        await CompleteRolloutAsync(ns, "batch");
        var old = (await Workloads.ActivePodsAsync(Client, ns, "app=batch")).Select(p => p.Metadata.CreationTimestamp).Max();

        using var watch = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var mixed = false;
        var observer = Task.Run(async () =>
        {
            while (!watch.IsCancellationRequested)
            {
                var images = (await Workloads.ActivePodsAsync(Client, ns, "app=batch")).Select(p => p.Spec.Containers[0].Image).Distinct().Count();
                mixed |= images > 1;
                await Task.Delay(20);
            }
        });
        await SetImageAsync(ns, "batch", "kubeps/busybox:2");
        await CompleteRolloutAsync(ns, "batch");
        await watch.CancelAsync();
        await observer;

        Assert.False(mixed, "old and new pods ran side by side");
        Assert.All(await Workloads.ActivePodsAsync(Client, ns, "app=batch"), p => Assert.True(p.Metadata.CreationTimestamp >= old));
    }

    [Fact]
    public async Task A_paused_deployment_does_not_roll_until_resumed()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-pause");
        await Client.CreateNamespacedDeploymentAsync(Deployment("ui", 2), ns);
        await CompleteRolloutAsync(ns, "ui");

        await Client.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":true}}""", V1Patch.PatchType.MergePatch), "ui", ns);
        await SetImageAsync(ns, "ui", "kubeps/busybox:2");
        var paused = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedDeploymentAsync("ui", ns) is { Status.Conditions: { } c } d && c.Any(x => x.Reason == "DeploymentPaused") ? d : null);
        Assert.Single(await ReplicaSetsAsync(ns, "ui"));

        await Client.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":false}}""", V1Patch.PatchType.MergePatch), "ui", ns);
        await CompleteRolloutAsync(ns, "ui");
        Assert.Equal(2, (await ReplicaSetsAsync(ns, "ui")).Count);
        Assert.NotNull(paused);
    }

    [Fact]
    public async Task Old_replica_sets_beyond_the_revision_history_limit_are_deleted()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-history");
        var d = Deployment("log", 1);
        d.Spec.RevisionHistoryLimit = 1;
        await Client.CreateNamespacedDeploymentAsync(d, ns);
        foreach (var image in new[] { "kubeps/busybox:2", "kubeps/busybox:3", "kubeps/busybox:4" })
        {
            await CompleteRolloutAsync(ns, "log");
            await SetImageAsync(ns, "log", image);
        }

        await CompleteRolloutAsync(ns, "log");
        var sets = await ApiIntegrationTests.Eventually(async () => await ReplicaSetsAsync(ns, "log") is { Count: 2 } s ? s : null);
        Assert.Equal(["3", "4"], sets.Select(s => s.Metadata.Annotations["deployment.kubernetes.io/revision"]).Order());
    }

    [Fact]
    public async Task A_rollout_that_makes_no_progress_within_its_deadline_reports_ProgressDeadlineExceeded()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-stuck");
        var d = Deployment("stuck", 2);
        d.Spec.ProgressDeadlineSeconds = 2;
        await Client.CreateNamespacedDeploymentAsync(d, ns);

        var stuck = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedDeploymentAsync("stuck", ns) is { Status.Conditions: { } c } x && c.Any(k => k is { Type: "Progressing", Status: "False" }) ? x : null, seconds: 15);
        var condition = Assert.Single(stuck.Status.Conditions, c => c.Type == "Progressing");
        Assert.Equal("ProgressDeadlineExceeded", condition.Reason);
        Assert.Matches("^ReplicaSet \"stuck-[a-z0-9]+\" has timed out progressing.$", condition.Message);
    }

    [Fact]
    public async Task Deleting_a_deployment_removes_its_replica_sets_and_pods()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-delete");
        await Client.CreateNamespacedDeploymentAsync(Deployment("gone", 2), ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=gone", 2);

        await Client.DeleteNamespacedDeploymentAsync("gone", ns);

        await ApiIntegrationTests.Eventually(async () => (await ReplicaSetsAsync(ns, "gone")).Count == 0 ? "" : null);
        await ApiIntegrationTests.Eventually(async () => (await Workloads.PodsAsync(Client, ns, "app=gone")).Count == 0 ? "" : null);
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_deployments_replica_sets_pods_and_config_and_then_itself()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "deploy-namespace");
        await Client.CreateNamespacedDeploymentAsync(Deployment("app", 3), ns);
        await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" } }, ns);
        await Workloads.ActivePodsAsync(Client, ns, "app=app", 3);

        await Client.DeleteNamespaceAsync(ns);

        await ApiIntegrationTests.Eventually(async () =>
        {
            try
            {
                await Client.ReadNamespaceAsync(ns);
                return null;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return "gone";
            }
        });
        Assert.Empty((await Client.ListPodForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns}")).Items);
        Assert.Empty((await Client.ListReplicaSetForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns}")).Items);
        Assert.Empty((await Client.ListConfigMapForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns}")).Items);
    }
}
