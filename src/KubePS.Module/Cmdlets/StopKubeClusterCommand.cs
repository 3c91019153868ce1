using System.Management.Automation;
using KubePS.Module.Cluster;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>Stops a local cluster's node services and engine gracefully; its data and running containers stay.</summary>
/// <example><code>Stop-KubeCluster -DataPath ./.kubeps</code>Stops the cluster's processes; its data stays for the next start.</example>
[Cmdlet(VerbsLifecycle.Stop, "KubeCluster", SupportsShouldProcess = true, HelpUri = HelpLinks.StopKubeCluster)]
[OutputType(typeof(void))]
public sealed class StopKubeClusterCommand : KubeCmdlet
{
    /// <summary>The cluster's data folder; the one Start-KubeCluster used in this session when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? DataPath { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var dataPath = DataPath is null ? KubeSession.DataPath : GetUnresolvedProviderPathFromPSPath(DataPath);
        if (dataPath is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new KubeException(Messages.NoDataPath), ErrorIds.NoDataPath, ErrorCategory.InvalidArgument, null));
            return;
        }

        if (!ShouldProcess(dataPath, VerbsLifecycle.Stop))
        {
            return;
        }

        var layout = new ClusterLayout(ClusterLayout.DefaultModuleFolder, dataPath);
        try
        {
            Run((writer, ct) => new ClusterStopper(layout, ClusterState.Read(layout), writer).StopAsync(ct));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(KubeErrors.FromException(e, dataPath));
        }
    }
}
