using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Deletes pods; the node stops their containers and then the pods disappear.</summary>
/// <example><code>Get-KubePod -Namespace x | Where-Object Status -eq Failed | Remove-KubePod -Confirm:$false</code>Removes the failed pods of namespace x.</example>
/// <example><code>Remove-KubePod web -Wait</code>Removes pod web and waits until its containers are gone.</example>
[Cmdlet(VerbsCommon.Remove, "KubePod", SupportsShouldProcess = true, HelpUri = HelpLinks.RemoveKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class RemoveKubePodCommand : RemoveNamespacedKubeObjectCmdlet<V1Pod>
{
    /// <inheritdoc />
    protected override string KindLabel => "pod";

    /// <inheritdoc />
    protected override async Task<V1Pod?> DeleteAsync(string name, CancellationToken cancellationToken) =>
        await Client.CoreV1.DeleteNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: cancellationToken);

    /// <inheritdoc />
    protected override Task<V1Pod> ReadAsync(string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: cancellationToken);
}
