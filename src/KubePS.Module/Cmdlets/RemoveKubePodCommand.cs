using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>Deletes pods; the node stops their containers and then the pods disappear.</summary>
[Cmdlet(VerbsCommon.Remove, "KubePod", SupportsShouldProcess = true, HelpUri = HelpLinks.RemoveKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class RemoveKubePodCommand : RemoveKubeObjectCmdlet<V1Pod>
{
    /// <summary>The namespace of the pods; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    private string EffectiveNamespace => Namespace ?? Connection.Namespace;

    /// <inheritdoc />
    protected override string TargetOf(string name) => Messages.PodTarget(EffectiveNamespace, name);

    /// <inheritdoc />
    protected override async Task<V1Pod?> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await Client.CoreV1.DeleteNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: cancellationToken);

    /// <inheritdoc />
    protected override Task<V1Pod> ReadAsync(string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: cancellationToken);
}
