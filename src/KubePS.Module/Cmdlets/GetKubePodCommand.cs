using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets pods: in the session's namespace, another one, or all namespaces.</summary>
/// <example><code>Get-KubePod</code>Lists the pods of the session's namespace with kubectl's columns.</example>
/// <example><code>Get-KubePod -AllNamespaces | Where-Object Status -eq CrashLoopBackOff</code>Finds crashing pods everywhere.</example>
/// <example><code>Get-KubePod -LabelSelector app=web | Format-Table -View Wide</code>Shows web's pods with their IPs and nodes.</example>
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
