using k8s.Models;
using KubePS.Core.Printing;

namespace KubePS.Module.Formatting;

/*
 * kubectl's STATUS column as the object's own Status property. Types.ps1xml makes a pod's Status
 * one of these: still the V1PodStatus with every field (so $pod.Status.PodIP works), but it prints
 * as kubectl's status (Running, CrashLoopBackOff, Terminating) and equals that text, so
 * Where-Object Status -eq Running and $pod.Status -eq 'Failed' work as a PowerShell user expects.
 * PowerShell's -eq converts the text to the view's type (through the constructor that takes a
 * string) and compares the two with Equals, which compares the printed status, ignoring case.
 * A view is a copy made when read: set a status field on the object's real Status, not on a view.
 */

/// <summary>A pod's status that prints and compares as kubectl's STATUS column.</summary>
public sealed record PodStatusView : V1PodStatus
{
    public PodStatusView(V1PodStatus status, string shown) : base(status) => Shown = shown;

    /// <summary>A view that only carries a status text, to compare with.</summary>
    public PodStatusView(string shown) => Shown = shown;

    /// <summary>The status as kubectl's STATUS column shows it.</summary>
    public string Shown { get; }

    public static PodStatusView Of(V1Pod pod) => new(pod.Status ?? new V1PodStatus(), PodPrinting.Status(pod));

    /// <summary>
    /// Equal to kubectl's status text or to the pod's phase: a pod whose container exited with an
    /// error shows Error and is in phase Failed, and both Status -eq Error and Status -eq Failed find it.
    /// </summary>
    public bool Equals(PodStatusView? other) =>
        other is not null && (Matches(this, other.Shown) || Matches(other, Shown));

    // Equality that looks at two texts cannot give equal views equal hash codes any other way.
    public override int GetHashCode() => 0;

    private static bool Matches(PodStatusView view, string text) =>
        string.Equals(view.Shown, text, StringComparison.OrdinalIgnoreCase) || string.Equals(view.Phase, text, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Shown;
}

/// <summary>A node's status that prints and compares as kubectl's STATUS column (Ready, NotReady, Ready,SchedulingDisabled).</summary>
public sealed record NodeStatusView : V1NodeStatus
{
    public NodeStatusView(V1NodeStatus status, string shown) : base(status) => Shown = shown;

    public NodeStatusView(string shown) => Shown = shown;

    public string Shown { get; }

    public static NodeStatusView Of(V1Node node) => new(node.Status ?? new V1NodeStatus(), NodePrinting.Status(node));

    public bool Equals(NodeStatusView? other) => other is not null && string.Equals(Shown, other.Shown, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Shown);

    public override string ToString() => Shown;
}

/// <summary>A namespace's status that prints and compares as its phase (Active, Terminating).</summary>
public sealed record NamespaceStatusView : V1NamespaceStatus
{
    public NamespaceStatusView(V1NamespaceStatus status, string shown) : base(status) => Shown = shown;

    public NamespaceStatusView(string shown) => Shown = shown;

    public string Shown { get; }

    public static NamespaceStatusView Of(V1Namespace ns) => new(ns.Status ?? new V1NamespaceStatus(), ns.Status?.Phase ?? "Active");

    public bool Equals(NamespaceStatusView? other) => other is not null && string.Equals(Shown, other.Shown, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Shown);

    public override string ToString() => Shown;
}
