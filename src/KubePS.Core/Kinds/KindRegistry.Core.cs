using k8s.Models;
using static KubePS.Core.Kinds.KindBuilder;

namespace KubePS.Core.Kinds;

public static partial class KindRegistry
{
    public static readonly KindInfo Service = Kind<V1Service>(
        "", "v1", "Service", "services", namespaced: true, ["svc"], ["status"], inAll: true,
        columns: [Name, Col("Type"), Col("Cluster-IP"), Col("External-IP"), Col("Port(s)"), Age, Col("Selector", 1)],
        row: (svc, now) =>
        [
            svc.Metadata.Name, svc.Spec?.Type ?? "ClusterIP", OrNone(svc.Spec?.ClusterIP),
            svc.Spec?.ExternalName ?? (svc.Spec?.ExternalIPs is { Count: > 0 } ips ? string.Join(',', ips) : "<none>"),
            svc.Spec?.Ports is { Count: > 0 } ports
                ? string.Join(',', ports.Select(p => p.NodePort is { } np ? $"{p.Port}:{np}/{p.Protocol ?? "TCP"}" : $"{p.Port}/{p.Protocol ?? "TCP"}"))
                : "<none>",
            AgeOf(svc, now), Selector(svc.Spec?.Selector),
        ]) with { ReturnsDeletedObject = true };

    public static readonly KindInfo Endpoints = Kind<V1Endpoints>(
        "", "v1", "Endpoints", "endpoints", namespaced: true, ["ep"],
        columns: [Name, Col("Endpoints"), Age],
        row: (ep, now) =>
        [
            ep.Metadata.Name,
            OrNone(string.Join(',', (ep.Subsets ?? []).SelectMany(s => (s.Addresses ?? []).SelectMany(a =>
                (s.Ports is { Count: > 0 } ps ? ps.Select(p => $"{a.Ip}:{p.Port}") : [a.Ip]))))),
            AgeOf(ep, now),
        ]);

    public static readonly KindInfo ConfigMap = Kind<V1ConfigMap>(
        "", "v1", "ConfigMap", "configmaps", namespaced: true, ["cm"],
        columns: [Name, Col("Data"), Age],
        row: (cm, now) => [cm.Metadata.Name, Number((cm.Data?.Count ?? 0) + (cm.BinaryData?.Count ?? 0)), AgeOf(cm, now)]);

    public static readonly KindInfo Secret = Kind<V1Secret>(
        "", "v1", "Secret", "secrets", namespaced: true,
        columns: [Name, Col("Type"), Col("Data"), Age],
        row: (secret, now) => [secret.Metadata.Name, secret.Type ?? "Opaque", Number((secret.Data?.Count ?? 0) + (secret.StringData?.Count ?? 0)), AgeOf(secret, now)])
        with { FieldLabels = ["type"] };

    public static readonly KindInfo PersistentVolume = Kind<V1PersistentVolume>(
        "", "v1", "PersistentVolume", "persistentvolumes", namespaced: false, ["pv"], ["status"],
        columns: [Name, Col("Capacity"), Col("Access Modes"), Col("Reclaim Policy"), Col("Status"), Col("Claim"), Col("StorageClass"), Age],
        row: (pv, now) =>
        [
            pv.Metadata.Name, pv.Spec?.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : "",
            AccessModes(pv.Spec?.AccessModes), pv.Spec?.PersistentVolumeReclaimPolicy ?? "", pv.Status?.Phase ?? "",
            pv.Spec?.ClaimRef is { } claim ? $"{claim.NamespaceProperty}/{claim.Name}" : "", pv.Spec?.StorageClassName ?? "", AgeOf(pv, now),
        ]) with { ReturnsDeletedObject = true };

    public static readonly KindInfo PersistentVolumeClaim = Kind<V1PersistentVolumeClaim>(
        "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", namespaced: true, ["pvc"], ["status"],
        columns: [Name, Col("Status"), Col("Volume"), Col("Capacity"), Col("Access Modes"), Col("StorageClass"), Age],
        row: (pvc, now) =>
        [
            pvc.Metadata.Name, pvc.Status?.Phase ?? "", pvc.Spec?.VolumeName ?? "",
            pvc.Status?.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : "",
            AccessModes(pvc.Status?.AccessModes), pvc.Spec?.StorageClassName ?? "", AgeOf(pvc, now),
        ]) with { ReturnsDeletedObject = true };

    public static readonly KindInfo ServiceAccount = Kind<V1ServiceAccount>(
        "", "v1", "ServiceAccount", "serviceaccounts", namespaced: true, ["sa"],
        columns: [Name, Col("Secrets"), Age],
        row: (sa, now) => [sa.Metadata.Name, Count(sa.Secrets), AgeOf(sa, now)]) with { ReturnsDeletedObject = true };

    public static readonly KindInfo ResourceQuota = Kind<V1ResourceQuota>(
        "", "v1", "ResourceQuota", "resourcequotas", namespaced: true, ["quota"], ["status"],
        columns: [Name, Age, Col("Request"), Col("Limit")],
        row: (quota, now) =>
        [
            quota.Metadata.Name, AgeOf(quota, now),
            string.Join(", ", (quota.Status?.Hard ?? quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>())
                .Where(h => !h.Key.StartsWith("limits.", StringComparison.Ordinal))
                .Select(h => $"{h.Key}: {(quota.Status?.Used?.TryGetValue(h.Key, out var used) == true ? used.ToString() : "0")}/{h.Value}")),
            string.Join(", ", (quota.Status?.Hard ?? quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>())
                .Where(h => h.Key.StartsWith("limits.", StringComparison.Ordinal))
                .Select(h => $"{h.Key}: {(quota.Status?.Used?.TryGetValue(h.Key, out var used) == true ? used.ToString() : "0")}/{h.Value}")),
        ]);

    public static readonly KindInfo LimitRange = Kind<V1LimitRange>(
        "", "v1", "LimitRange", "limitranges", namespaced: true, ["limits"],
        columns: [Name, Col("Created At")],
        row: (limits, _) => [limits.Metadata.Name, limits.Metadata.CreationTimestamp?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ") ?? ""]);

    private static IEnumerable<KindInfo> CoreKinds =>
        [Service, Endpoints, ConfigMap, Secret, PersistentVolume, PersistentVolumeClaim, ServiceAccount, ResourceQuota, LimitRange];

    private static string AccessModes(IList<string>? modes) => string.Join(',', (modes ?? []).Select(m => m switch
    {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => m,
    }));
}
