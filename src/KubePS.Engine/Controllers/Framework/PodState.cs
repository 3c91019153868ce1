using k8s.Models;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>The pod states controllers count by, with Kubernetes' definitions.</summary>
public static class PodState
{
    /// <summary>Neither finished nor being deleted: a pod that still counts toward its owner's replicas.</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    public static bool IsReady(V1Pod pod) => ReadySince(pod) is not null;

    /// <summary>Ready for at least <paramref name="minReadySeconds"/>.</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTime now) =>
        ReadySince(pod) is { } since && (minReadySeconds == 0 || since.AddSeconds(minReadySeconds) <= now);

    /// <summary>When a ready pod that is not yet available becomes so.</summary>
    public static DateTime? AvailableAt(V1Pod pod, int minReadySeconds) =>
        minReadySeconds > 0 && ReadySince(pod) is { } since ? since.AddSeconds(minReadySeconds) : null;

    /// <summary>Kubernetes' order for scaling down: unscheduled, then pending, then not ready pods go first, the youngest first.</summary>
    public static (int, int, int, long) DeletionRank(V1Pod pod) =>
    (
        string.IsNullOrEmpty(pod.Spec.NodeName) ? 0 : 1,
        pod.Status?.Phase switch { "Pending" or null => 0, "Unknown" => 1, _ => 2 },
        IsReady(pod) ? 1 : 0,
        -(pod.Metadata.CreationTimestamp ?? DateTime.MinValue).Ticks
    );

    private static DateTime? ReadySince(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "True" } ready
            ? ready.LastTransitionTime ?? DateTime.MinValue
            : null;
}
