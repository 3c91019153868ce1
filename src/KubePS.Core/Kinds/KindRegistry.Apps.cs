using k8s.Models;
using static KubePS.Core.Kinds.KindBuilder;

namespace KubePS.Core.Kinds;

public static partial class KindRegistry
{
    public static readonly KindInfo Deployment = Kind<V1Deployment>(
        "apps", "v1", "Deployment", "deployments", namespaced: true, ["deploy"], ["status", "scale"], inAll: true,
        columns: [Name, Col("Ready"), Col("Up-to-date"), Col("Available"), Age, Col("Containers", 1), Col("Images", 1), Col("Selector", 1)],
        row: (d, now) =>
        [
            d.Metadata.Name, $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec?.Replicas ?? 0}", Number(d.Status?.UpdatedReplicas),
            Number(d.Status?.AvailableReplicas), AgeOf(d, now), Containers(d.Spec?.Template), Images(d.Spec?.Template), Selector(d.Spec?.Selector),
        ]);

    public static readonly KindInfo ReplicaSet = Kind<V1ReplicaSet>(
        "apps", "v1", "ReplicaSet", "replicasets", namespaced: true, ["rs"], ["status", "scale"], inAll: true,
        columns: [Name, Col("Desired"), Col("Current"), Col("Ready"), Age, Col("Containers", 1), Col("Images", 1), Col("Selector", 1)],
        row: (rs, now) =>
        [
            rs.Metadata.Name, Number(rs.Spec?.Replicas), Number(rs.Status?.Replicas), Number(rs.Status?.ReadyReplicas), AgeOf(rs, now),
            Containers(rs.Spec?.Template), Images(rs.Spec?.Template), Selector(rs.Spec?.Selector),
        ]) with { FieldLabels = ["status.replicas"] };

    public static readonly KindInfo StatefulSet = Kind<V1StatefulSet>(
        "apps", "v1", "StatefulSet", "statefulsets", namespaced: true, ["sts"], ["status", "scale"], inAll: true,
        columns: [Name, Col("Ready"), Age, Col("Containers", 1), Col("Images", 1)],
        row: (s, now) =>
        [
            s.Metadata.Name, $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec?.Replicas ?? 0}", AgeOf(s, now), Containers(s.Spec?.Template), Images(s.Spec?.Template),
        ]);

    public static readonly KindInfo DaemonSet = Kind<V1DaemonSet>(
        "apps", "v1", "DaemonSet", "daemonsets", namespaced: true, ["ds"], ["status"], inAll: true,
        columns:
        [
            Name, Col("Desired"), Col("Current"), Col("Ready"), Col("Up-to-date"), Col("Available"), Col("Node Selector"), Age,
            Col("Containers", 1), Col("Images", 1), Col("Selector", 1),
        ],
        row: (ds, now) =>
        [
            ds.Metadata.Name, Number(ds.Status?.DesiredNumberScheduled), Number(ds.Status?.CurrentNumberScheduled), Number(ds.Status?.NumberReady),
            Number(ds.Status?.UpdatedNumberScheduled), Number(ds.Status?.NumberAvailable), Selector(ds.Spec?.Template?.Spec?.NodeSelector),
            AgeOf(ds, now), Containers(ds.Spec?.Template), Images(ds.Spec?.Template), Selector(ds.Spec?.Selector),
        ]);

    public static readonly KindInfo ControllerRevision = Kind<V1ControllerRevision>(
        "apps", "v1", "ControllerRevision", "controllerrevisions", namespaced: true,
        columns: [Name, Col("Controller"), Col("Revision"), Age],
        row: (cr, now) =>
        [
            cr.Metadata.Name,
            cr.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner ? $"{owner.Kind.ToLowerInvariant()}.apps/{owner.Name}" : "<none>",
            $"{cr.Revision}", AgeOf(cr, now),
        ]);

    private static IEnumerable<KindInfo> AppsKinds => [Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision];

    private static string Containers(V1PodTemplateSpec? template) => string.Join(',', (template?.Spec?.Containers ?? []).Select(c => c.Name));

    private static string Images(V1PodTemplateSpec? template) => string.Join(',', (template?.Spec?.Containers ?? []).Select(c => c.Image));
}
