using k8s.Models;
using static KubePS.Core.Kinds.KindBuilder;

namespace KubePS.Core.Kinds;

public static partial class KindRegistry
{
    public static readonly KindInfo HorizontalPodAutoscaler = Kind<V2HorizontalPodAutoscaler>(
        "autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", namespaced: true, ["hpa"], ["status"], inAll: true,
        columns: [Name, Col("Reference"), Col("Targets"), Col("MinPods"), Col("MaxPods"), Col("Replicas"), Age],
        row: (hpa, now) =>
        [
            hpa.Metadata.Name, $"{hpa.Spec?.ScaleTargetRef?.Kind}/{hpa.Spec?.ScaleTargetRef?.Name}", HpaTargets(hpa),
            Number(hpa.Spec?.MinReplicas ?? 1), Number(hpa.Spec?.MaxReplicas), Number(hpa.Status?.CurrentReplicas), AgeOf(hpa, now),
        ]) with { AlsoServedAs = ["v1"] };

    public static readonly KindInfo Lease = Kind<V1Lease>(
        "coordination.k8s.io", "v1", "Lease", "leases", namespaced: true,
        columns: [Name, Col("Holder"), Age],
        row: (lease, now) => [lease.Metadata.Name, lease.Spec?.HolderIdentity ?? "", AgeOf(lease, now)]);

    public static readonly KindInfo EndpointSlice = Kind<V1EndpointSlice>(
        "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", namespaced: true,
        columns: [Name, Col("AddressType"), Col("Ports"), Col("Endpoints"), Age],
        row: (slice, now) =>
        [
            slice.Metadata.Name, slice.AddressType ?? "",
            OrNone(string.Join(',', (slice.Ports ?? []).Select(p => p.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""))),
            OrNone(string.Join(',', (slice.Endpoints ?? []).SelectMany(e => e.Addresses ?? []))), AgeOf(slice, now),
        ]);

    public static readonly KindInfo PodDisruptionBudget = Kind<V1PodDisruptionBudget>(
        "policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", namespaced: true, ["pdb"], ["status"],
        columns: [Name, Col("Min Available"), Col("Max Unavailable"), Col("Allowed Disruptions"), Age],
        row: (pdb, now) =>
        [
            pdb.Metadata.Name, pdb.Spec?.MinAvailable?.Value ?? "N/A", pdb.Spec?.MaxUnavailable?.Value ?? "N/A",
            Number(pdb.Status?.DisruptionsAllowed), AgeOf(pdb, now),
        ]);

    public static readonly KindInfo PriorityClass = Kind<V1PriorityClass>(
        "scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", namespaced: false, ["pc"],
        columns: [Name, Col("Value"), Col("Global-Default"), Age, Col("PreemptionPolicy")],
        row: (pc, now) =>
        [
            pc.Metadata.Name, $"{pc.Value}",
            pc.GlobalDefault == true ? "true" : "false", AgeOf(pc, now), pc.PreemptionPolicy ?? "PreemptLowerPriority",
        ]);

    public static readonly KindInfo StorageClass = Kind<V1StorageClass>(
        "storage.k8s.io", "v1", "StorageClass", "storageclasses", namespaced: false, ["sc"],
        columns: [Name, Col("Provisioner"), Col("ReclaimPolicy"), Col("VolumeBindingMode"), Col("AllowVolumeExpansion"), Age],
        row: (sc, now) =>
        [
            sc.Metadata.Annotations?.TryGetValue(WellKnown.DefaultStorageClassAnnotation, out var isDefault) == true && isDefault == "true"
                ? $"{sc.Metadata.Name} (default)" : sc.Metadata.Name,
            sc.Provisioner, sc.ReclaimPolicy ?? "Delete", sc.VolumeBindingMode ?? "Immediate", sc.AllowVolumeExpansion == true ? "true" : "false", AgeOf(sc, now),
        ]) with { ReturnsDeletedObject = true };

    private static IEnumerable<KindInfo> OtherKinds => [HorizontalPodAutoscaler, Lease, EndpointSlice, PodDisruptionBudget, PriorityClass, StorageClass];

    private static string HpaTargets(V2HorizontalPodAutoscaler hpa)
    {
        var targets = (hpa.Spec?.Metrics ?? []).Where(m => m.Resource is not null).Select(m =>
        {
            var current = hpa.Status?.CurrentMetrics?.FirstOrDefault(c => c.Resource?.Name == m.Resource.Name)?.Resource?.Current?.AverageUtilization;
            var target = m.Resource.Target?.AverageUtilization;
            return $"{m.Resource.Name}: {(current is { } c ? $"{c}%" : "<unknown>")}/{target}%";
        }).ToList();
        return targets.Count == 0 ? "<none>" : string.Join(", ", targets);
    }
}
