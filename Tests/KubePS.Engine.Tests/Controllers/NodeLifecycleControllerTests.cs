using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>
/// Failure detection on a real engine with stand-in nodes: the test writes the nodes' heartbeats and
/// moves the engine's clock past the grace period (20 s) and the default toleration (10 s).
/// </summary>
public sealed class NodeLifecycleControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private DateTime Now => engine.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task A_silent_node_becomes_unknown_and_tainted_its_pods_are_evicted_by_their_tolerations_and_a_returning_node_is_untainted()
    {
        await Client.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "silent" } });
        await ReportAsync("silent", ready: true);
        await RenewLeaseAsync("silent");
        var ns = await Workloads.NewNamespaceAsync(Client, "lifecycle");
        await PodOnAsync(ns, "plain", "silent", tolerationSeconds: null, tolerates: false);
        await PodOnAsync(ns, "patient", "silent", tolerationSeconds: 3600, tolerates: true);
        await PodOnAsync(ns, "forever", "silent", tolerationSeconds: null, tolerates: true);

        engine.Clock.Advance(TimeSpan.FromSeconds(25));
        await TouchAsync("silent");
        var node = await NodeAsync("silent", n => n.Spec?.Taints?.Any(t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute") == true);
        Assert.All(node.Status.Conditions.Where(c => c.Type is "Ready" or "MemoryPressure"), c => Assert.Equal(("Unknown", "NodeStatusUnknown"), (c.Status, c.Reason)));
        Assert.Contains(node.Spec.Taints, t => t is { Key: "node.kubernetes.io/unreachable", Effect: "NoSchedule" });
        Assert.Null((await Client.ReadNamespacedPodAsync("plain", ns)).Metadata.DeletionTimestamp);

        engine.Clock.Advance(TimeSpan.FromSeconds(11));
        await TouchAsync("silent");
        await ApiIntegrationTests.Eventually(async () => (await Client.ReadNamespacedPodAsync("plain", ns)).Metadata.DeletionTimestamp is not null ? "evicted" : null, seconds: 10);
        Assert.Null((await Client.ReadNamespacedPodAsync("patient", ns)).Metadata.DeletionTimestamp);
        Assert.Null((await Client.ReadNamespacedPodAsync("forever", ns)).Metadata.DeletionTimestamp);
        // The event is recorded after the eviction it reports.
        await ApiIntegrationTests.Eventually(
            async () => (await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=plain")).Items.Any(e => e.Reason == "TaintManagerEviction") ? "recorded" : null,
            seconds: 5);

        await ReportAsync("silent", ready: true);
        await NodeAsync("silent", n => n.Spec?.Taints is null or { Count: 0 });
    }

    [Fact]
    public async Task A_node_reporting_not_ready_gets_the_not_ready_taints()
    {
        await Client.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "sick" } });
        await ReportAsync("sick", ready: false);
        var node = await NodeAsync("sick", n => n.Spec?.Taints?.Count == 2);
        Assert.All(node.Spec.Taints, t => Assert.Equal("node.kubernetes.io/not-ready", t.Key));
        Assert.Equal(["NoExecute", "NoSchedule"], node.Spec.Taints.Select(t => t.Effect).Order());
    }

    [Fact]
    public async Task Pressure_conditions_taint_a_node_no_schedule_while_they_last()
    {
        await Client.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "full" } });
        await ReportAsync("full", ready: true, memoryPressure: true);
        var node = await NodeAsync("full", n => n.Spec?.Taints?.Count == 1);
        Assert.Equal(("node.kubernetes.io/memory-pressure", "NoSchedule"), (node.Spec.Taints[0].Key, node.Spec.Taints[0].Effect));

        await ReportAsync("full", ready: true);
        await NodeAsync("full", n => n.Spec?.Taints is null or { Count: 0 });
    }

    private async Task ReportAsync(string name, bool ready, bool memoryPressure = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var node = await Client.ReadNodeAsync(name);
            node.Status = new V1NodeStatus
            {
                Conditions = new[] { "Ready", "MemoryPressure", "DiskPressure", "PIDPressure" }.Select(type => new V1NodeCondition
                {
                    Type = type,
                    Status = type == "Ready" ? (ready ? "True" : "False") : type == "MemoryPressure" && memoryPressure ? "True" : "False",
                    LastHeartbeatTime = Now,
                    LastTransitionTime = Now,
                }).ToList(),
            };
            try
            {
                await Client.ReplaceNodeStatusAsync(node, name);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }

    private async Task RenewLeaseAsync(string name) =>
        await Client.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = 20, RenewTime = Now },
        }, "kube-node-lease");

    // Any change makes the controller look at the node again, with the moved clock.
    private async Task TouchAsync(string name) =>
        await Client.PatchNodeAsync(new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { ["touched"] = Guid.NewGuid().ToString("N") } } }, V1Patch.PatchType.MergePatch), name);

    private Task<V1Node> NodeAsync(string name, Func<V1Node, bool> condition) =>
        ApiIntegrationTests.Eventually(async () => await Client.ReadNodeAsync(name) is var node && condition(node) ? node : null, seconds: 10);

    private async Task PodOnAsync(string ns, string name, string node, long? tolerationSeconds, bool tolerates)
    {
        await Client.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Tolerations = tolerates
                    ? [new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = tolerationSeconds }]
                    : null,
                Containers = [new V1Container { Name = "main", Image = "kubeps/busybox:1" }],
            },
        }, ns);
        var pod = await Client.ReadNamespacedPodAsync(name, ns);
        pod.Status.Phase = "Running";
        await Client.ReplaceNamespacedPodStatusAsync(pod, name, ns);
    }
}
