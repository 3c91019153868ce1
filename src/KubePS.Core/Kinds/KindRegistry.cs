using k8s.Models;
using KubePS.Core.Printing;
using static KubePS.Core.Kinds.KindBuilder;

namespace KubePS.Core.Kinds;

/// <summary>
/// The one description of every kind the engine serves. Routing, discovery, validation and table
/// printing read it; adding a kind is one entry here.
/// </summary>
public static partial class KindRegistry
{
    public static readonly KindInfo Namespace = Kind<V1Namespace>(
        "", "v1", "Namespace", "namespaces", namespaced: false, ["ns"], ["status", "finalize"],
        columns: [Name, Col("Status"), Age],
        row: (ns, now) => [ns.Metadata.Name, ns.Status?.Phase ?? "", AgeOf(ns, now)]) with { FieldLabels = ["status.phase"], ReturnsDeletedObject = true };

    public static readonly KindInfo Node = Kind<V1Node>(
        "", "v1", "Node", "nodes", namespaced: false, ["no"], ["status", "proxy"],
        columns:
        [
            Name, Col("Status"), Col("Roles"), Age, Col("Version"), Col("Internal-IP", 1), Col("External-IP", 1),
            Col("OS-Image", 1), Col("Kernel-Version", 1), Col("Container-Runtime", 1),
        ],
        row: (node, now) =>
        [
            node.Metadata.Name, NodePrinting.Status(node), NodePrinting.Roles(node), AgeOf(node, now),
            node.Status?.NodeInfo?.KubeletVersion ?? "",
            OrNone(node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address),
            OrNone(node.Status?.Addresses?.FirstOrDefault(a => a.Type == "ExternalIP")?.Address),
            node.Status?.NodeInfo?.OsImage ?? "<unknown>", node.Status?.NodeInfo?.KernelVersion ?? "<unknown>",
            node.Status?.NodeInfo?.ContainerRuntimeVersion ?? "<unknown>",
        ]) with { FieldLabels = ["spec.unschedulable"] };

    public static readonly KindInfo Pod = Kind<V1Pod>(
        "", "v1", "Pod", "pods", namespaced: true, ["po"], ["status", "binding", "eviction", "log", "exec"], inAll: true,
        columns:
        [
            Name, Col("Ready"), Col("Status"), Col("Restarts"), Age, Col("IP", 1), Col("Node", 1),
            Col("Nominated Node", 1), Col("Readiness Gates", 1),
        ],
        row: (pod, now) =>
        [
            pod.Metadata.Name, PodPrinting.Ready(pod), PodPrinting.Status(pod), Number(PodPrinting.Restarts(pod)), AgeOf(pod, now),
            OrNone(pod.Status?.PodIP), OrNone(pod.Spec?.NodeName), OrNone(pod.Status?.NominatedNodeName), "<none>",
        ]) with
    {
        FieldLabels =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
            "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
        ReturnsDeletedObject = true,
    };

    public static readonly KindInfo Event = Kind<Corev1Event>(
        "", "v1", "Event", "events", namespaced: true, ["ev"],
        columns: [Col("Last Seen"), Col("Type"), Col("Reason"), Col("Object"), Col("Message")],
        row: (ev, now) =>
        [
            HumanDuration.Age(ev.LastTimestamp ?? ev.EventTime ?? ev.Metadata.CreationTimestamp, now), ev.Type ?? "", ev.Reason ?? "",
            $"{ev.InvolvedObject?.Kind?.ToLowerInvariant()}/{ev.InvolvedObject?.Name}", ev.Message ?? "",
        ]) with
    {
        FieldLabels =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };

    private static IReadOnlyList<KindInfo>? _all;

    /// <summary>Every kind, in discovery order. Built on first use: the entries live in several files, whose initialisation order C# leaves open.</summary>
    public static IReadOnlyList<KindInfo> All =>
        _all ??= new KindInfo[] { Namespace, Node, Pod, Event }.Concat(CoreKinds).Concat(AppsKinds).Concat(BatchKinds).Concat(OtherKinds).ToList();

    /// <summary>The kind served at a group, version and plural resource name, or null.</summary>
    public static KindInfo? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Plural == plural && (k.Version == version || k.AlsoServedAs.Contains(version)));

    /// <summary>Finds a kind by kind name, plural, singular or short name, case-insensitively.</summary>
    public static KindInfo? Resolve(string name) =>
        All.FirstOrDefault(k =>
            string.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Plural, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Singular, name, StringComparison.OrdinalIgnoreCase)
            || k.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>Every group version served, the storage version of each kind first.</summary>
    public static IEnumerable<string> GroupVersions() =>
        All.SelectMany(k => new[] { k.ApiVersion }.Concat(k.AlsoServedAs.Select(v => $"{k.Group}/{v}"))).Distinct();
}
