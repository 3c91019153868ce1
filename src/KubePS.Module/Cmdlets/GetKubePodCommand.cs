using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets pods: in the session's namespace, another one, or all namespaces.</summary>
[Cmdlet(VerbsCommon.Get, "KubePod", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.GetKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class GetKubePodCommand : GetKubeObjectCmdlet<V1Pod>
{
    /// <summary>The namespace to look in; the session's namespace (default) when omitted.</summary>
    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Gets pods of every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AllNamespaces")]
    public SwitchParameter AllNamespaces { get; set; }

    private string EffectiveNamespace => Namespace ?? Connection.Namespace;

    /// <inheritdoc />
    protected override async Task<IList<V1Pod>> ListAsync(string? labelSelector, CancellationToken cancellationToken) =>
        AllNamespaces
            ? (await Client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken)).Items
            : (await Client.CoreV1.ListNamespacedPodAsync(EffectiveNamespace, labelSelector: labelSelector, cancellationToken: cancellationToken)).Items;

    /// <inheritdoc />
    protected override Task<V1Pod> ReadAsync(string name, CancellationToken cancellationToken) =>
        AllNamespaces
            ? ReadFromAnyNamespaceAsync(name, cancellationToken)
            : Client.CoreV1.ReadNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: cancellationToken);

    private async Task<V1Pod> ReadFromAnyNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        var pods = await Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"metadata.name={name}", cancellationToken: cancellationToken);
        return pods.Items.FirstOrDefault()
            ?? throw new Errors.KubeException($"pods \"{name}\" not found in any namespace", null, Errors.ErrorIds.NotFound, ErrorCategory.ObjectNotFound);
    }
}
