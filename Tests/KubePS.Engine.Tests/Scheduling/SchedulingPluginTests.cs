using k8s.Models;
using KubePS.Engine.Scheduling;
using KubePS.Engine.Scheduling.Plugins;

namespace KubePS.Engine.Tests.Scheduling;

/// <summary>Each filter and score plugin, and the framework's choice and message, on hand-made nodes and pods.</summary>
public sealed class SchedulingPluginTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Node Node(string name, string cpu = "2", string memory = "4Gi", bool ready = true, bool unschedulable = false,
        Dictionary<string, string>? labels = null, DateTime? heartbeat = null, List<V1Taint>? taints = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
        Spec = new V1NodeSpec { Unschedulable = unschedulable, Taints = taints },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory), ["pods"] = new("3") },
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False", LastHeartbeatTime = heartbeat ?? Now }],
        },
    };

    private static V1Pod Pod(string cpu = "0", string memory = "0", Dictionary<string, string>? selector = null, string phase = "Running",
        string app = "web", string name = "p") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec
        {
            NodeSelector = selector,
            Containers =
            [
                new V1Container
                {
                    Name = "c",
                    Image = "kubeps/busybox:1",
                    Resources = new V1ResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
                    },
                },
            ],
        },
        Status = new V1PodStatus { Phase = phase },
    };

    private static ClusterSnapshot Cluster(params (V1Node Node, V1Pod[] Pods)[] nodes) =>
        new(nodes.Select(n => new NodeInfo(n.Node, n.Pods)).ToList(), Now);

    private static IEnumerable<string> Filter(IFilterPlugin plugin, V1Pod pod, V1Node node, params V1Pod[] onNode)
    {
        var cluster = Cluster((node, onNode));
        return plugin.Filter(pod, cluster.Nodes[0], cluster).ToList();
    }

    private static string? Choose(V1Pod pod, ClusterSnapshot cluster) => SchedulingFramework.Default.Schedule(pod, cluster).Node?.Name;

    [Fact]
    public void Resources_of_pods_on_the_node_count_and_finished_pods_free_theirs()
    {
        var fit = new NodeResourcesFitPlugin();
        Assert.Empty(Filter(fit, Pod("500m", "1Gi"), Node("n")));
        Assert.Equal([NodeResourcesFitPlugin.InsufficientCpu], Filter(fit, Pod("1", "1Gi"), Node("n"), Pod("1500m", "3Gi")));
        Assert.Empty(Filter(fit, Pod("1"), Node("n"), Pod("2", phase: "Succeeded")));
        Assert.Equal([NodeResourcesFitPlugin.TooManyPods, NodeResourcesFitPlugin.InsufficientMemory], Filter(fit, Pod(memory: "5Gi"), Node("n"), Pod(), Pod(), Pod()));
    }

    [Fact]
    public void Not_ready_silent_and_cordoned_nodes_are_ruled_out_unless_the_pod_tolerates_the_cordon()
    {
        Assert.Equal([NodeReadyFilter.NotReady], Filter(new NodeReadyFilter(), Pod(), Node("n", ready: false)));
        Assert.Equal([NodeReadyFilter.NotReady], Filter(new NodeReadyFilter(), Pod(), Node("n", heartbeat: Now.AddMinutes(-5))));
        Assert.Equal([NodeUnschedulablePlugin.Unschedulable], Filter(new NodeUnschedulablePlugin(), Pod(), Node("n", unschedulable: true)));
        var tolerant = Pod();
        tolerant.Spec.Tolerations = [new V1Toleration { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" }];
        Assert.Empty(Filter(new NodeUnschedulablePlugin(), tolerant, Node("n", unschedulable: true)));
    }

    [Fact]
    public void Node_name_selector_and_required_affinity_must_match()
    {
        var named = Pod();
        named.Spec.NodeName = "other";
        Assert.Equal([NodeNamePlugin.Mismatch], Filter(new NodeNamePlugin(), named, Node("n")));

        var selector = new Dictionary<string, string> { ["disk"] = "ssd" };
        Assert.Equal([NodeAffinityPlugin.Mismatch], Filter(new NodeAffinityPlugin(), Pod(selector: selector), Node("n")));
        Assert.Empty(Filter(new NodeAffinityPlugin(), Pod(selector: selector), Node("n", labels: new() { ["disk"] = "ssd" })));
    }

    [Fact]
    public void Untolerated_taints_rule_a_node_out_and_prefer_no_schedule_taints_lower_its_score()
    {
        var taint = new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" };
        Assert.Equal(["node(s) had untolerated taint {dedicated: db}"], Filter(new TaintTolerationPlugin(), Pod(), Node("n", taints: [taint])));
        var tolerant = Pod();
        tolerant.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "db", Effect = "NoSchedule" }];
        Assert.Empty(Filter(new TaintTolerationPlugin(), tolerant, Node("n", taints: [taint])));

        var cluster = Cluster((Node("a", taints: [new V1Taint { Key = "spot", Effect = "PreferNoSchedule" }]), []), (Node("b"), []));
        Assert.Equal("b", Choose(Pod(), cluster));
    }

    [Fact]
    public void A_host_port_in_use_on_the_node_rules_it_out()
    {
        static V1Pod WithHostPort(int port)
        {
            var pod = Pod();
            pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80, HostPort = port }];
            return pod;
        }

        Assert.Equal([NodePortsPlugin.Taken], Filter(new NodePortsPlugin(), WithHostPort(8080), Node("n"), WithHostPort(8080)));
        Assert.Empty(Filter(new NodePortsPlugin(), WithHostPort(8081), Node("n"), WithHostPort(8080)));
    }

    [Fact]
    public void Least_allocated_and_balanced_nodes_win_and_preferred_node_affinity_outweighs_them()
    {
        var cluster = Cluster((Node("busy"), [Pod("1500m", "3Gi")]), (Node("idle"), []));
        Assert.Equal("idle", Choose(Pod("100m"), cluster));

        var balanced = new BalancedAllocationPlugin();
        var even = Cluster((Node("n"), [Pod("1", "2Gi")]));
        var skewed = Cluster((Node("n"), [Pod("1", "0")]));
        Assert.True(balanced.Score(Pod(), even.Nodes[0], even) > balanced.Score(Pod(), skewed.Nodes[0], skewed));

        var preferring = Pod("100m");
        preferring.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PreferredSchedulingTerm
                    {
                        Weight = 100,
                        Preference = new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["busy"] }] },
                    },
                ],
            },
        };
        Assert.Equal("busy", Choose(preferring, cluster));
    }

    [Fact]
    public void Topology_spread_with_do_not_schedule_keeps_the_skew_within_max_skew()
    {
        var pod = Pod();
        pod.Spec.TopologySpreadConstraints =
        [
            new V1TopologySpreadConstraint
            {
                MaxSkew = 1, TopologyKey = "kubernetes.io/hostname", WhenUnsatisfiable = "DoNotSchedule",
                LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            },
        ];
        var cluster = Cluster((Node("a"), [Pod()]), (Node("b"), []));
        Assert.Equal([PodTopologySpreadPlugin.Unsatisfied], new PodTopologySpreadPlugin().Filter(pod, cluster.Nodes[0], cluster));
        Assert.Equal("b", Choose(pod, cluster));

        var unlabeled = Cluster((Node("c", labels: []), []));
        Assert.Equal([PodTopologySpreadPlugin.MissingLabel], new PodTopologySpreadPlugin().Filter(pod, unlabeled.Nodes[0], unlabeled));
    }

    [Fact]
    public void Required_anti_affinity_keeps_replicas_apart_and_required_affinity_brings_a_pod_next_to_its_peer()
    {
        var term = new V1PodAffinityTerm
        {
            TopologyKey = "kubernetes.io/hostname",
            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
        };
        var apart = Pod();
        apart.Spec.Affinity = new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [term] } };
        var cluster = Cluster((Node("a"), [Pod()]), (Node("b"), []));
        Assert.Equal([InterPodAffinityPlugin.AntiAffinityMismatch], new InterPodAffinityPlugin().Filter(apart, cluster.Nodes[0], cluster));
        Assert.Equal("b", Choose(apart, cluster));

        // A placed pod's own anti-affinity rules out its node for pods it selects.
        var placed = Pod(app: "web");
        placed.Spec.Affinity = apart.Spec.Affinity;
        var guarded = Cluster((Node("a"), [placed]), (Node("b"), []));
        Assert.Equal([InterPodAffinityPlugin.ExistingAntiAffinity], new InterPodAffinityPlugin().Filter(Pod(), guarded.Nodes[0], guarded));

        var together = Pod(app: "cache");
        together.Spec.Affinity = new V1Affinity { PodAffinity = new V1PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [term] } };
        Assert.Equal("a", Choose(together, cluster));
        Assert.Null(Choose(together, Cluster((Node("b"), []))));
    }

    [Fact]
    public void The_failure_message_counts_each_nodes_first_failing_filter_in_Kubernetes_words()
    {
        var cluster = Cluster((Node("a", unschedulable: true), []), (Node("b", cpu: "1"), []), (Node("c", cpu: "1"), []));
        var result = SchedulingFramework.Default.Schedule(Pod("2"), cluster);
        Assert.Null(result.Node);
        Assert.Equal("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.", result.Explain());
    }

    [Fact]
    public void In_a_large_cluster_the_search_stops_at_enough_fitting_nodes_and_the_next_decision_starts_after_them()
    {
        var nodes = Enumerable.Range(0, 500).Select(i => new NodeInfo(Node($"n{i:D3}", cpu: "64", memory: "256Gi"), [])).ToList();
        var cluster = new ClusterSnapshot(nodes, Now);
        var framework = new SchedulingFramework([new NodeResourcesFitPlugin()], []);

        var first = framework.Schedule(Pod(cpu: "1", name: "a"), cluster).Node!;
        var second = framework.Schedule(Pod(cpu: "1", name: "b"), cluster).Node!;

        Assert.Equal(230, SchedulingFramework.NodesToFind(500));
        Assert.Equal("n000", first.Name);
        Assert.Equal("n230", second.Name);
        Assert.Equal(5000 * 10 / 100, SchedulingFramework.NodesToFind(5000));
        Assert.Equal(50, SchedulingFramework.NodesToFind(50));
    }
}
