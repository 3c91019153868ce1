using k8s.Models;

namespace KubePS.Core.Kinds;

/// <summary>
/// The one description of every kind the engine serves. Routing, discovery, validation and table
/// printing read it; adding a kind is one entry here.
/// </summary>
public static class KindRegistry
{
    private static readonly PrinterColumn Age = new("Age", "date");

    public static readonly KindInfo Namespace = new(
        "", "v1", "Namespace", "namespaces", "namespace", Namespaced: false, typeof(V1Namespace),
        ShortNames: ["ns"], Subresources: ["status", "finalize"], Categories: [],
        Columns: [new("Name", "string", 0, "name"), new("Status", "string"), Age])
    {
        FieldLabels = ["status.phase"],
    };

    public static readonly KindInfo Node = new(
        "", "v1", "Node", "nodes", "node", Namespaced: false, typeof(V1Node),
        ShortNames: ["no"], Subresources: ["status"], Categories: [],
        Columns:
        [
            new("Name", "string", 0, "name"), new("Status", "string"), new("Roles", "string"), Age,
            new("Version", "string"), new("Internal-IP", "string", 1), new("OS-Image", "string", 1),
            new("Kernel-Version", "string", 1), new("Container-Runtime", "string", 1),
        ])
    {
        FieldLabels = ["spec.unschedulable"],
    };

    public static readonly KindInfo Pod = new(
        "", "v1", "Pod", "pods", "pod", Namespaced: true, typeof(V1Pod),
        ShortNames: ["po"], Subresources: ["status", "binding", "log"], Categories: ["all"],
        Columns:
        [
            new("Name", "string", 0, "name"), new("Ready", "string"), new("Status", "string"),
            new("Restarts", "string"), Age, new("IP", "string", 1), new("Node", "string", 1),
        ])
    {
        FieldLabels =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
    };

    public static readonly KindInfo Event = new(
        "", "v1", "Event", "events", "event", Namespaced: true, typeof(Corev1Event),
        ShortNames: ["ev"], Subresources: [], Categories: [],
        Columns:
        [
            new("Last Seen", "string"), new("Type", "string"), new("Reason", "string"),
            new("Object", "string"), new("Message", "string"),
        ])
    {
        FieldLabels =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };

    public static IReadOnlyList<KindInfo> All { get; } = [Namespace, Node, Pod, Event];

    /// <summary>The kind served at a group, version and plural resource name, or null.</summary>
    public static KindInfo? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    /// <summary>Finds a kind by kind name, plural, singular or short name, case-insensitively.</summary>
    public static KindInfo? Resolve(string name) =>
        All.FirstOrDefault(k =>
            string.Equals(k.Kind, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Plural, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Singular, name, StringComparison.OrdinalIgnoreCase)
            || k.ShortNames.Contains(name, StringComparer.OrdinalIgnoreCase));

    public static IEnumerable<string> GroupVersions() => All.Select(k => k.ApiVersion).Distinct();
}
