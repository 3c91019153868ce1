using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets namespaces.</summary>
/// <example><code>Get-KubeNamespace</code>Lists the namespaces and whether each is Active or Terminating.</example>
[Cmdlet(VerbsCommon.Get, "KubeNamespace", HelpUri = HelpLinks.GetKubeNamespace)]
[OutputType(typeof(V1Namespace))]
public sealed class GetKubeNamespaceCommand : GetKubeObjectCmdlet<V1Namespace>
{
    /// <inheritdoc />
    protected override async Task<IList<V1Namespace>> ListAsync(string? labelSelector, CancellationToken cancellationToken) =>
        (await Client.CoreV1.ListNamespaceAsync(labelSelector: labelSelector, cancellationToken: cancellationToken)).Items;

    /// <inheritdoc />
    protected override Task<V1Namespace> ReadAsync(string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
}
