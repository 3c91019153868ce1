using k8s.Models;

namespace KubePS.Core.Resources;

/// <summary>CPU in millicores, memory and ephemeral storage in bytes: the resources the scheduler counts.</summary>
public readonly record struct ResourceAmount(long MilliCpu, long MemoryBytes, long EphemeralStorageBytes = 0)
{
    public static ResourceAmount operator +(ResourceAmount a, ResourceAmount b) =>
        new(a.MilliCpu + b.MilliCpu, a.MemoryBytes + b.MemoryBytes, a.EphemeralStorageBytes + b.EphemeralStorageBytes);

    public static ResourceAmount operator -(ResourceAmount a, ResourceAmount b) =>
        new(a.MilliCpu - b.MilliCpu, a.MemoryBytes - b.MemoryBytes, a.EphemeralStorageBytes - b.EphemeralStorageBytes);

    public static ResourceAmount Max(ResourceAmount a, ResourceAmount b) =>
        new(Math.Max(a.MilliCpu, b.MilliCpu), Math.Max(a.MemoryBytes, b.MemoryBytes), Math.Max(a.EphemeralStorageBytes, b.EphemeralStorageBytes));

    /// <summary>Reads cpu and memory from a resource list (requests, capacity, allocatable).</summary>
    public static ResourceAmount From(IDictionary<string, ResourceQuantity>? list)
    {
        if (list is null)
        {
            return default;
        }

        long cpu = list.TryGetValue("cpu", out var c) ? (long)Math.Ceiling(c.ToDecimal() * 1000m) : 0;
        long memory = list.TryGetValue("memory", out var m) ? (long)Math.Ceiling(m.ToDecimal()) : 0;
        long storage = list.TryGetValue("ephemeral-storage", out var e) ? (long)Math.Ceiling(e.ToDecimal()) : 0;
        return new ResourceAmount(cpu, memory, storage);
    }
}

public static class PodResources
{
    /// <summary>
    /// A pod's effective request, as Kubernetes computes it: the sum over app containers, or the
    /// largest init container when that is larger (init containers run one at a time).
    /// </summary>
    public static ResourceAmount Requests(V1PodSpec spec)
    {
        var apps = default(ResourceAmount);
        foreach (var container in spec.Containers ?? [])
        {
            apps += RequestOf(container);
        }

        var init = default(ResourceAmount);
        foreach (var container in spec.InitContainers ?? [])
        {
            init = ResourceAmount.Max(init, RequestOf(container));
        }

        return ResourceAmount.Max(apps, init);
    }

    // A container with limits but no requests is requested at its limits (Kubernetes' defaulting).
    private static ResourceAmount RequestOf(V1Container container) =>
        ResourceAmount.Max(
            ResourceAmount.From(container.Resources?.Requests),
            container.Resources?.Requests is { Count: > 0 } ? default : ResourceAmount.From(container.Resources?.Limits));
}
