using k8s.Models;

namespace KubePS.Module.Formatting;

/// <summary>Kubernetes quantities as plain numbers: CPU in millicores, memory in bytes.</summary>
public static class Quantities
{
    public static long CpuMillicores(IDictionary<string, ResourceQuantity>? usage) =>
        usage?.TryGetValue("cpu", out var cpu) == true ? (long)Math.Round(cpu.ToDecimal() * 1000m) : 0;

    public static long Bytes(IDictionary<string, ResourceQuantity>? usage, string resource) =>
        usage?.TryGetValue(resource, out var quantity) == true ? (long)quantity.ToDecimal() : 0;
}
