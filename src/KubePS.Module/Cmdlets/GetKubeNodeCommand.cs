using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets the nodes of the cluster.</summary>
[Cmdlet(VerbsCommon.Get, "KubeNode", HelpUri = HelpLinks.GetKubeNode)]
[OutputType(typeof(V1Node))]
public sealed class GetKubeNodeCommand : GetKubeObjectCmdlet<V1Node>
{
    /// <inheritdoc />
    protected override async Task<IList<V1Node>> ListAsync(string? labelSelector, CancellationToken cancellationToken) =>
        (await Client.CoreV1.ListNodeAsync(labelSelector: labelSelector, cancellationToken: cancellationToken)).Items;

    /// <inheritdoc />
    protected override Task<V1Node> ReadAsync(string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNodeAsync(name, cancellationToken: cancellationToken);
}
