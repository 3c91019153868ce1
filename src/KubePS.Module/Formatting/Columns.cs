using k8s.Models;
using KubePS.Core.Printing;

namespace KubePS.Module.Formatting;

/// <summary>
/// The computed columns of the table views. They live in the module's own assembly, which PowerShell
/// has loaded when a view runs; KubePS.Core is loaded only on first use, so the views cannot name it.
/// </summary>
public static class Columns
{
    public static string PodReady(V1Pod pod) => PodPrinting.Ready(pod);

    public static string PodStatus(V1Pod pod) => PodPrinting.Status(pod);

    public static int PodRestarts(V1Pod pod) => PodPrinting.Restarts(pod);

    public static string PodNode(V1Pod pod) => string.IsNullOrEmpty(pod.Spec?.NodeName) ? "<none>" : pod.Spec.NodeName;

    public static string NodeStatus(V1Node node) => NodePrinting.Status(node);

    public static string NodeRoles(V1Node node) => NodePrinting.Roles(node);

    public static string NamespaceStatus(V1Namespace ns) => ns.Status?.Phase ?? "Active";

    /// <summary>Column <paramref name="index"/> of kubectl's table for the object's kind, as the kind registry prints it.</summary>
    public static string Cell(object item, int index)
    {
        var kind = KubePS.Core.Kinds.KindRegistry.All.FirstOrDefault(k => k.ClrType == item.GetType());
        return kind is null ? "" : kind.Row(item, DateTime.UtcNow)[index];
    }

    public static string Age(V1ObjectMeta? metadata) => HumanDuration.Age(metadata?.CreationTimestamp, DateTime.UtcNow);
}
