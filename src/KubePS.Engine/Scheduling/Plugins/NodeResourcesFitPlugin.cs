using k8s.Models;
using KubePS.Core.Resources;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// Filter: the node must have room for the pod's requests (CPU, memory, ephemeral storage) and for
/// one more pod. Score: least allocated, the share of CPU and memory left free once the pod is there.
/// </summary>
public sealed class NodeResourcesFitPlugin : IFilterPlugin, IScorePlugin
{
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";
    public const string InsufficientStorage = "Insufficient ephemeral-storage";
    public const string TooManyPods = "Too many pods";

    public string Name => "NodeResourcesFit";

    public int Weight => 1;

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var wanted = cluster.RequestsOf(pod);
        var free = node.Allocatable - node.Requested;
        var tooMany = node.MaxPods is { } max && node.Pods.Count + 1 > max;
        var cpu = wanted.MilliCpu > 0 && wanted.MilliCpu > free.MilliCpu;
        var memory = wanted.MemoryBytes > 0 && wanted.MemoryBytes > free.MemoryBytes;

        // A node that does not report ephemeral storage is not held to it.
        var storage = wanted.EphemeralStorageBytes > 0 && node.Allocatable.EphemeralStorageBytes > 0 && wanted.EphemeralStorageBytes > free.EphemeralStorageBytes;
        if (!(tooMany || cpu || memory || storage))
        {
            return [];
        }

        return new[] { (tooMany, TooManyPods), (cpu, InsufficientCpu), (memory, InsufficientMemory), (storage, InsufficientStorage) }
            .Where(r => r.Item1).Select(r => r.Item2).ToList();
    }

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var used = node.Requested + cluster.RequestsOf(pod);
        return (Free(node.Allocatable.MilliCpu, used.MilliCpu) + Free(node.Allocatable.MemoryBytes, used.MemoryBytes)) / 2 * 100;
    }

    private static double Free(long capacity, long used) => capacity <= 0 ? 0 : Math.Max(0, capacity - used) / (double)capacity;
}
