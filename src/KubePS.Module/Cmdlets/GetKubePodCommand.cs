using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets pods: in the session's namespace, another one, or all namespaces.</summary>
[Cmdlet(VerbsCommon.Get, "KubePod", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.GetKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class GetKubePodCommand : GetNamespacedKubeObjectCmdlet<V1Pod>
{
    /// <inheritdoc />
    protected override string Kind => "pods";

    /// <inheritdoc />
    protected override async Task<IList<V1Pod>> ListInAsync(string ns, string? labelSelector, CancellationToken cancellationToken) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, cancellationToken: cancellationToken)).Items;

    /// <inheritdoc />
    protected override async Task<IList<V1Pod>> ListEverywhereAsync(string? labelSelector, CancellationToken cancellationToken) =>
        (await Client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken)).Items;

    /// <inheritdoc />
    protected override Task<V1Pod> ReadInAsync(string ns, string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: cancellationToken);
}
