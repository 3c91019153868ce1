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
    public static string Cell(object item, int index) =>
        KindsByType.Value.TryGetValue(item.GetType(), out var kind) ? kind.Row(item, DateTime.UtcNow)[index] : "";

    // Every cell of every row of a table asks: one lookup, not a walk over the registry.
    private static readonly Lazy<Dictionary<Type, KubePS.Core.Kinds.KindInfo>> KindsByType = new(() =>
        KubePS.Core.Kinds.KindRegistry.All.GroupBy(k => k.ClrType).ToDictionary(g => g.Key, g => g.First()));

    public static string Age(V1ObjectMeta? metadata) => HumanDuration.Age(metadata?.CreationTimestamp, DateTime.UtcNow);

    /// <summary>
    /// Column <paramref name="index"/> as a property value: a whole number when the column shows one
    /// (so Where-Object Restarts -gt 3 compares numbers), else the text kubectl shows.
    /// </summary>
    public static object Value(object item, int index)
    {
        var cell = Cell(item, index);
        return cell.Length is > 0 and < 19 && cell.All(char.IsAsciiDigit) ? long.Parse(cell, System.Globalization.CultureInfo.InvariantCulture) : cell;
    }

    /// <summary>How long ago the object was created, for Where-Object Age -gt (New-TimeSpan -Days 7).</summary>
    public static TimeSpan? AgeOf(V1ObjectMeta? metadata) => metadata?.CreationTimestamp is { } created ? DateTime.UtcNow - created.ToUniversalTime() : null;

    public static void SetStatus(V1Pod pod, V1PodStatus? status) => pod.Status = status;

    public static void SetStatus(V1Node node, V1NodeStatus? status) => node.Status = status;

    public static void SetStatus(V1Namespace ns, V1NamespaceStatus? status) => ns.Status = status;
}
