using k8s.Models;
using KubePS.Engine.Scheduling;

namespace KubePS.Engine.Tests.Scheduling;

public sealed class NodeFitTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Node Node(string name, string cpu = "2", string memory = "4Gi", bool ready = true, bool unschedulable = false,
        Dictionary<string, string>? labels = null, DateTime? heartbeat = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string>() },
        Spec = new V1NodeSpec { Unschedulable = unschedulable },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory), ["pods"] = new("3") },
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False", LastHeartbeatTime = heartbeat ?? Now }],
        },
    };

    private static V1Pod Pod(string cpu = "0", string memory = "0", Dictionary<string, string>? selector = null, string phase = "Running") => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec
        {
            NodeSelector = selector,
            Containers =
            [
                new V1Container
                {
                    Name = "c",
                    Resources = new V1ResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
                    },
                },
            ],
        },
        Status = new V1PodStatus { Phase = phase },
    };

    [Fact]
    public void A_ready_node_with_room_fits()
    {
        Assert.Empty(NodeFit.Check(Pod("500m", "1Gi"), Node("n"), [], Now));
    }

    [Fact]
    public void Requests_of_pods_already_on_the_node_count_against_its_allocatable()
    {
        var reasons = NodeFit.Check(Pod("1", "1Gi"), Node("n"), [Pod("1500m", "3Gi")], Now);
        Assert.Equal([NodeFit.InsufficientCpu], reasons);
    }

    [Fact]
    public void Finished_pods_free_their_resources()
    {
        Assert.Empty(NodeFit.Check(Pod("1"), Node("n"), [Pod("2", phase: "Succeeded")], Now));
    }

    [Fact]
    public void Memory_and_pod_count_limits_are_reported()
    {
        var reasons = NodeFit.Check(Pod(memory: "5Gi"), Node("n"), [Pod(), Pod(), Pod()], Now);
        Assert.Equal([NodeFit.InsufficientMemory, NodeFit.TooManyPods], reasons);
    }

    [Fact]
    public void Not_ready_unschedulable_and_silent_nodes_do_not_fit()
    {
        Assert.Contains(NodeFit.NotReady, NodeFit.Check(Pod(), Node("n", ready: false), [], Now));
        Assert.Contains(NodeFit.Unschedulable, NodeFit.Check(Pod(), Node("n", unschedulable: true), [], Now));
        Assert.Contains(NodeFit.NotReady, NodeFit.Check(Pod(), Node("n", heartbeat: Now.AddMinutes(-5)), [], Now));
    }

    [Fact]
    public void A_nodeSelector_must_match_the_node_labels()
    {
        var selector = new Dictionary<string, string> { ["disk"] = "ssd" };
        Assert.Equal([NodeFit.SelectorMismatch], NodeFit.Check(Pod(selector: selector), Node("n"), [], Now));
        Assert.Empty(NodeFit.Check(Pod(selector: selector), Node("n", labels: new() { ["disk"] = "ssd" }), [], Now));
    }

    [Fact]
    public void The_failure_message_counts_reasons_in_Kubernetes_words()
    {
        var message = NodeFit.Explain(3, [NodeFit.Unschedulable, NodeFit.InsufficientCpu, NodeFit.InsufficientCpu]);
        Assert.Equal("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.", message);
    }

    [Fact]
    public void The_least_allocated_node_scores_higher()
    {
        var busy = NodeFit.Score(Pod("100m"), Node("a"), [Pod("1500m", "3Gi")]);
        var idle = NodeFit.Score(Pod("100m"), Node("b"), []);
        Assert.True(idle > busy);
    }
}
