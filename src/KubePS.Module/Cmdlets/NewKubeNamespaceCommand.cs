using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Creates a namespace.</summary>
/// <example><code>New-KubeNamespace shop -Labels @{ team = 'payments' }</code>Creates namespace shop.</example>
[Cmdlet(VerbsCommon.New, "KubeNamespace", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.NewKubeNamespace)]
[OutputType(typeof(V1Namespace))]
public sealed class NewKubeNamespaceCommand : NewKubeObjectCmdlet<V1Namespace>
{
    /// <inheritdoc />
    protected override string Target => Messages.NamespaceTarget(Name);

    /// <inheritdoc />
    protected override V1Namespace Build(V1ObjectMeta metadata) =>
        new() { ApiVersion = "v1", Kind = "Namespace", Metadata = metadata };

    /// <inheritdoc />
    protected override Task<V1Namespace> CreateAsync(V1Namespace item, CancellationToken cancellationToken) =>
        Client.CoreV1.CreateNamespaceAsync(item, cancellationToken: cancellationToken);
}
