using System.Management.Automation;
using k8s;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>Connects the session to the cluster a kubeconfig file names (a KubePS cluster or any Kubernetes).</summary>
[Cmdlet(VerbsCommunications.Connect, "KubeCluster", SupportsShouldProcess = true, HelpUri = HelpLinks.ConnectKubeCluster)]
[OutputType(typeof(void))]
public sealed class ConnectKubeClusterCommand : KubeCmdlet
{
    /// <summary>The kubeconfig file, e.g. ./.kubeps/kubeconfig.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string KubeConfig { get; set; } = "";

    /// <summary>The context of the kubeconfig to use; its current context when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(KubeConfig);
        if (!ShouldProcess(path, VerbsCommunications.Connect))
        {
            return;
        }

        try
        {
            var connection = KubeSession.Connect(path, Context);
            Run(async (writer, ct) =>
            {
                var version = await connection.Client.Version.GetCodeAsync(ct);
                writer.Verbose(Messages.Connected(connection.Server, version.GitVersion));
            });
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.KubeConfigInvalid, ErrorCategory.InvalidData, path));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(KubeErrors.FromException(e, path));
        }
    }
}
