using k8s.Models;
using KubePS.Core.Resources;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>Prefers nodes whose CPU and memory would be used in equal shares once the pod is there.</summary>
public sealed class BalancedAllocationPlugin : IScorePlugin
{
    public string Name => "NodeResourcesBalancedAllocation";

    public int Weight => 1;

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var used = node.Requested + cluster.RequestsOf(pod);
        var cpu = Fraction(used.MilliCpu, node.Allocatable.MilliCpu);
        var memory = Fraction(used.MemoryBytes, node.Allocatable.MemoryBytes);

        // Kubernetes: (1 - standard deviation of the fractions) × 100; for two resources the deviation is half their difference.
        return (1 - (Math.Abs(cpu - memory) / 2)) * 100;
    }

    private static double Fraction(long used, long capacity) => capacity <= 0 ? 0 : Math.Min(1, used / (double)capacity);
}
