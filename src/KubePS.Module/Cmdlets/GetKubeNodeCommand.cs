using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets the nodes of the cluster.</summary>
/// <example><code>Get-KubeNode | Where-Object Status -ne Ready</code>Lists the nodes that are not Ready.</example>
/// <example><code>Get-KubeNode | Format-Table -View Wide</code>Shows the nodes' addresses, OS and runtime too.</example>
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
