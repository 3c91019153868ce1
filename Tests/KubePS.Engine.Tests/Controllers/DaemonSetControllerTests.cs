using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The DaemonSet controller on a real engine, with stand-in nodes and kubelet.</summary>
public sealed class DaemonSetControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private async Task AddNodeAsync(string name, Dictionary<string, string>? labels = null, V1Taint? taint = null) =>
        await Client.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1NodeSpec { Taints = taint is null ? null : [taint] },
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTime.UtcNow }] },
        });

    private static V1DaemonSet Set(string name, Dictionary<string, string>? nodeSelector = null, int maxUnavailable = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DaemonSetSpec
        {
            Selector = Workloads.Selector(name),
            Template = WithNodeSelector(Workloads.Template(name), nodeSelector),
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = maxUnavailable } },
        },
    };

    private static V1PodTemplateSpec WithNodeSelector(V1PodTemplateSpec template, Dictionary<string, string>? selector)
    {
        template.Spec.NodeSelector = selector;
        return template;
    }

    private async Task<List<string>> NodesWithPodsAsync(string ns, string app) =>
        (await Workloads.ActivePodsAsync(Client, ns, $"app={app}")).Select(p => p.Spec.NodeName).Order().ToList();

    private Task WaitForNodesAsync(string ns, string app, params string[] nodes) =>
        ApiIntegrationTests.Eventually(async () => (await NodesWithPodsAsync(ns, app)).SequenceEqual(nodes) ? "" : null);

    [Fact]
    public async Task A_daemon_set_runs_one_pod_per_eligible_node_following_nodes_as_they_join_change_and_leave()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "ds-nodes");
        await AddNodeAsync("n1", new() { ["disk"] = "ssd" });
        await AddNodeAsync("n2", new() { ["disk"] = "ssd" });
        await AddNodeAsync("n3", new() { ["disk"] = "hdd" });
        await AddNodeAsync("tainted", new() { ["disk"] = "ssd" }, new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" });
        await Client.CreateNamespacedDaemonSetAsync(Set("agent", new() { ["disk"] = "ssd" }), ns);

        await WaitForNodesAsync(ns, "agent", "n1", "n2");
        await Workloads.MarkReadyAsync(Client, ns, "app=agent");
        var set = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedDaemonSetAsync("agent", ns) is { Status.NumberReady: 2 } ds ? ds : null);
        Assert.Equal((2, 2, 2), (set.Status.DesiredNumberScheduled, set.Status.CurrentNumberScheduled, set.Status.NumberAvailable ?? 0));

        await AddNodeAsync("n4", new() { ["disk"] = "ssd" });
        await WaitForNodesAsync(ns, "agent", "n1", "n2", "n4");

        await Client.PatchNodeAsync(new V1Patch("""{"metadata":{"labels":{"disk":"hdd"}}}""", V1Patch.PatchType.MergePatch), "n2");
        await WaitForNodesAsync(ns, "agent", "n1", "n4");

        await Client.DeleteNodeAsync("n4");
        await WaitForNodesAsync(ns, "agent", "n1");
    }

    [Fact]
    public async Task A_template_change_replaces_the_pods_at_most_max_unavailable_at_a_time()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "ds-roll");
        foreach (var node in new[] { "r1", "r2", "r3" })
        {
            await AddNodeAsync(node, new() { ["pool"] = "roll" });
        }

        await Client.CreateNamespacedDaemonSetAsync(Set("logs", new() { ["pool"] = "roll" }), ns);
        await WaitForNodesAsync(ns, "logs", "r1", "r2", "r3");
        await Workloads.MarkReadyAsync(Client, ns, "app=logs");
        await ApiIntegrationTests.Eventually(async () => await Client.ReadNamespacedDaemonSetAsync("logs", ns) is { Status.NumberAvailable: 3 } ds ? ds : null);

        await Client.PatchNamespacedDaemonSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"kubeps/busybox:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "logs", ns);
        var steps = new List<int>();
        await ApiIntegrationTests.Eventually(async () =>
        {
            var pods = await Workloads.ActivePodsAsync(Client, ns, "app=logs");
            steps.Add(pods.Count(p => p.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true));
            if (pods.Count == 3 && pods.All(p => p.Spec.Containers[0].Image == "kubeps/busybox:2") && steps[^1] == 3)
            {
                return "";
            }

            await Workloads.MarkReadyAsync(Client, ns, "app=logs");
            return null;
        }, seconds: 30);

        Assert.All(steps, ready => Assert.True(ready >= 2, $"{ready} ready pods: more than maxUnavailable nodes went without"));
        var set = await Client.ReadNamespacedDaemonSetAsync("logs", ns);
        Assert.Equal(3, set.Status.UpdatedNumberScheduled);
    }

    [Fact]
    public async Task Kubectl_rollout_undo_returns_a_daemon_set_to_its_previous_template_revision()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "ds-undo");
        await AddNodeAsync("u1", new() { ["pool"] = "undo" });
        await Client.CreateNamespacedDaemonSetAsync(Set("mon", new() { ["pool"] = "undo" }), ns);
        await WaitForNodesAsync(ns, "mon", "u1");
        await Client.PatchNamespacedDaemonSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"kubeps/busybox:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "mon", ns);
        await ApiIntegrationTests.Eventually(async () =>
            (await Workloads.ActivePodsAsync(Client, ns, "app=mon")).SingleOrDefault() is { } pod && pod.Spec.Containers[0].Image == "kubeps/busybox:2" ? pod : null);

        var kubectl = new KubectlRunner(engine.KubeConfigPath, engine.DataPath);
        var (code, output) = await kubectl.RunAsync("rollout", "undo", "daemonset/mon", "-n", ns);
        Assert.True(code == 0, output);

        var restored = await ApiIntegrationTests.Eventually(async () =>
            (await Workloads.ActivePodsAsync(Client, ns, "app=mon")).SingleOrDefault() is { } pod && pod.Spec.Containers[0].Image == "kubeps/busybox:1" ? pod : null);
        var revisions = (await Client.ListNamespacedControllerRevisionAsync(ns)).Items;
        Assert.Equal(2, revisions.Count);
        Assert.Equal(3, revisions.Single(r => r.Metadata.Name == restored.Metadata.Labels["controller-revision-hash"]).Revision);
        (code, output) = await kubectl.RunAsync("rollout", "history", "daemonset/mon", "-n", ns);
        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^2\s", output);
        Assert.Matches(@"(?m)^3\s", output);
    }
}
