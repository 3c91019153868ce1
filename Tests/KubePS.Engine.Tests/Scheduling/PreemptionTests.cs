using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Engine.Scheduling;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Scheduling;

/// <summary>Pod priority from PriorityClasses, and preemption, in a real engine with a stand-in node.</summary>
public sealed class PreemptionTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Pod Pod(string name, string cpu, string? priorityClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            PriorityClassName = priorityClass,
            Containers =
            [
                new V1Container
                {
                    Name = "app", Image = "kubeps/busybox:1",
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } },
                },
            ],
        },
    };

    [Fact]
    public async Task A_higher_priority_pod_evicts_the_fewest_lower_priority_pods_and_takes_their_place()
    {
        await Client.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "low" }, Value = 10 });
        await Client.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 });
        await Client.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "polite" }, Value = 1000, PreemptionPolicy = "Never" });
        await Client.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "only" },
            Status = new V1NodeStatus
            {
                Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("1Gi"), ["pods"] = new("10") },
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTime.UtcNow }],
            },
        });
        var ns = await Controllers.Workloads.NewNamespaceAsync(Client, "preempt");
        await Client.CreateNamespacedPodAsync(Pod("low-a", "1", "low"), ns);
        await Client.CreateNamespacedPodAsync(Pod("low-b", "1", "low"), ns);
        await ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedPodAsync(ns)).Items.All(p => p.Spec.NodeName == "only") ? "bound" : null, seconds: 10);
        Assert.Equal(10, (await Client.ReadNamespacedPodAsync("low-a", ns)).Spec.Priority);

        // A pod that may not preempt waits; one that may evicts exactly one of the two.
        await Client.CreateNamespacedPodAsync(Pod("waiting", "1", "polite"), ns);
        await Client.CreateNamespacedPodAsync(Pod("urgent", "1", "high"), ns);
        var urgent = await ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedPodAsync("urgent", ns) is { Status.NominatedNodeName: "only" } p ? p : null, seconds: 20);
        Assert.Equal(1000, urgent.Spec.Priority);
        var victims = (await Client.ListNamespacedPodAsync(ns)).Items.Where(p => p.Metadata.DeletionTimestamp is not null).ToList();
        var victim = Assert.Single(victims);
        Assert.StartsWith("low-", victim.Metadata.Name);
        var events = await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={victim.Metadata.Name}");
        Assert.Contains(events.Items, e => e.Reason == "Preempted" && e.Message.Contains(urgent.Metadata.Uid));

        // The stand-in kubelet confirms the victim gone; the preemptor gets the room, the polite pod still waits.
        await Client.DeleteNamespacedPodAsync(victim.Metadata.Name, ns, gracePeriodSeconds: 0);
        await ApiIntegrationTests.Eventually(async () => (await Client.ReadNamespacedPodAsync("urgent", ns)).Spec.NodeName == "only" ? "bound" : null, seconds: 10);
        Assert.Null((await Client.ReadNamespacedPodAsync("waiting", ns)).Spec.NodeName);
        Assert.Null((await Client.ReadNamespacedPodAsync("waiting", ns)).Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task A_pod_naming_a_missing_priority_class_is_forbidden()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(Pod("lost", "100m", "nonexistent"), "default"));
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Contains("no PriorityClass with name nonexistent was found", e.Response.Content);
    }

    [Fact]
    public void The_plan_prefers_the_node_whose_victims_break_no_budget_and_have_the_lowest_priority()
    {
        static V1Pod Placed(string name, int priority, string app) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app }, CreationTimestamp = DateTime.UtcNow },
            Spec = new V1PodSpec
            {
                Priority = priority,
                Containers = [new V1Container { Name = "c", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") } } }],
            },
            Status = new V1PodStatus { Phase = "Running" },
        };
        static V1Node Node(string name) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>() },
            Status = new V1NodeStatus
            {
                Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["pods"] = new("10") },
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTime.UtcNow }],
            },
        };

        var incoming = Placed("incoming", 100, "new");
        var budget = new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "guarded", NamespaceProperty = "default" },
            Spec = new V1PodDisruptionBudgetSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "guarded" } } },
            Status = new V1PodDisruptionBudgetStatus { DisruptionsAllowed = 0 },
        };
        var cluster = new ClusterSnapshot(
        [
            new NodeInfo(Node("a"), [Placed("guarded-0", 1, "guarded")]),
            new NodeInfo(Node("b"), [Placed("free-0", 50, "free")]),
            new NodeInfo(Node("c"), [Placed("free-1", 20, "free")]),
            new NodeInfo(Node("d"), [Placed("important", 500, "free")]),
        ], DateTime.UtcNow);

        var plan = Preemption.Plan(incoming, cluster, SchedulingFramework.Default, [budget]);
        Assert.Equal("c", plan!.Node.Name);
        Assert.Equal(["free-1"], plan.Victims.Select(v => v.Metadata.Name));
    }
}
