using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Deletes namespaces and, with them, every object in them.</summary>
/// <example><code>Remove-KubeNamespace test -Confirm:$false -Wait</code>Removes namespace test and everything in it, and waits until it is gone.</example>
[Cmdlet(VerbsCommon.Remove, "KubeNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.RemoveKubeNamespace)]
[OutputType(typeof(V1Namespace))]
public sealed class RemoveKubeNamespaceCommand : RemoveKubeObjectCmdlet<V1Namespace>
{
    /// <inheritdoc />
    protected override string TargetOf(string name) => Messages.NamespaceTarget(name);

    /// <inheritdoc />
    protected override async Task<V1Namespace?> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        // The client types this answer as a Status although the server returns the Namespace, so read it back.
        await Client.CoreV1.DeleteNamespaceAsync(name, cancellationToken: cancellationToken);
        try
        {
            return await ReadAsync(name, cancellationToken);
        }
        catch (Exception e) when (Errors.KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <inheritdoc />
    protected override Task<V1Namespace> ReadAsync(string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
}
