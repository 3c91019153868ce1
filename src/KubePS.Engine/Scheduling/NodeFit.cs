using k8s.Models;
using KubePS.Core.Resources;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// The filters of the walking skeleton's scheduler: a node must be Ready and schedulable, match
/// the pod's nodeSelector and have room for its requests. Each failure is worded as Kubernetes words it.
/// </summary>
public static class NodeFit
{
    public const string NotReady = "node(s) were not ready";
    public const string Unschedulable = "node(s) were unschedulable";
    public const string SelectorMismatch = "node(s) didn't match Pod's node affinity/selector";
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";
    public const string TooManyPods = "Too many pods";

    /// <summary>A node whose agent has not reported for this long is treated as not ready.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(40);

    /// <summary>The reasons <paramref name="node"/> cannot take <paramref name="pod"/>; empty when it fits.</summary>
    public static List<string> Check(V1Pod pod, V1Node node, IEnumerable<V1Pod> podsOnNode, DateTime now)
    {
        var reasons = new List<string>();
        if (!IsReady(node, now))
        {
            reasons.Add(NotReady);
        }

        if (node.Spec?.Unschedulable == true)
        {
            reasons.Add(Unschedulable);
        }

        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        if (pod.Spec?.NodeSelector is { } selector && selector.Any(s => !labels.TryGetValue(s.Key, out var v) || v != s.Value))
        {
            reasons.Add(SelectorMismatch);
        }

        var active = podsOnNode.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        var allocatable = node.Status?.Allocatable ?? node.Status?.Capacity;
        var free = ResourceAmount.From(allocatable) - active.Aggregate(default(ResourceAmount), (sum, p) => sum + PodResources.Requests(p.Spec));
        var wanted = PodResources.Requests(pod.Spec!);
        if (wanted.MilliCpu > free.MilliCpu)
        {
            reasons.Add(InsufficientCpu);
        }

        if (wanted.MemoryBytes > free.MemoryBytes)
        {
            reasons.Add(InsufficientMemory);
        }

        if (allocatable is not null && allocatable.TryGetValue("pods", out var maxPods) && active.Count + 1 > maxPods.ToDecimal())
        {
            reasons.Add(TooManyPods);
        }

        return reasons;
    }

    public static bool IsReady(V1Node node, DateTime now)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return ready is { Status: "True" }
            && (ready.LastHeartbeatTime is not { } beat || now - beat.ToUniversalTime() < HeartbeatTimeout);
    }

    /// <summary>Kubernetes' FailedScheduling message: <c>0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.</c></summary>
    public static string Explain(int nodeCount, IEnumerable<string> reasonsPerNode)
    {
        if (nodeCount == 0)
        {
            return "0/0 nodes are available: no nodes available to schedule pods.";
        }

        var counted = reasonsPerNode.GroupBy(r => r).Select(g => $"{g.Count()} {g.Key}").Order(StringComparer.Ordinal);
        return $"0/{nodeCount} nodes are available: {string.Join(", ", counted)}.";
    }

    /// <summary>Least-allocated scoring: the share of CPU and memory left free after placing the pod.</summary>
    public static double Score(V1Pod pod, V1Node node, IEnumerable<V1Pod> podsOnNode)
    {
        var allocatable = ResourceAmount.From(node.Status?.Allocatable ?? node.Status?.Capacity);
        var used = podsOnNode.Aggregate(PodResources.Requests(pod.Spec!), (sum, p) => sum + PodResources.Requests(p.Spec));
        static double Free(long capacity, long used) => capacity <= 0 ? 0 : Math.Max(0, capacity - used) / (double)capacity;
        return (Free(allocatable.MilliCpu, used.MilliCpu) + Free(allocatable.MemoryBytes, used.MemoryBytes)) / 2;
    }
}
