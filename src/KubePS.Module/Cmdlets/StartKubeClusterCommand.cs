using System.Management.Automation;
using KubePS.Module.Cluster;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Starts a local cluster (the engine and its node services) in the background, waits until it
/// serves and connects the session to it. Running it again starts only what is missing.
/// </summary>
/// <example><code>Start-KubeCluster -DataPath ./.kubeps</code>Starts a local cluster (engine and one node service) and connects the session.</example>
/// <example><code>Start-KubeCluster -DataPath ./.kubeps -NodeCount 3</code>Starts a cluster of three nodes.</example>
[Cmdlet(VerbsLifecycle.Start, "KubeCluster", SupportsShouldProcess = true, HelpUri = HelpLinks.StartKubeCluster)]
[OutputType(typeof(KubeClusterInfo))]
public sealed class StartKubeClusterCommand : KubeCmdlet
{
    private const int DefaultPort = 6443;
    private const int DefaultNodePort = 10250;

    /// <summary>The folder that holds the cluster's state, logs and kubeconfig; created if missing.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string DataPath { get; set; } = "";

    /// <summary>The HTTPS port of the API server on 127.0.0.1 (default 6443, or what the folder's cluster used).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>How many node services to run (default 1).</summary>
    [Parameter]
    [Alias("Nodes")]
    [ValidateRange(1, 16)]
    public int NodeCount { get; set; } = 1;

    /// <summary>The port of the first node's log and exec endpoint (default 10250); further nodes take the next ones.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int NodePort { get; set; } = DefaultNodePort;

    /// <summary>The prefix of the node names (default kubeps: kubeps-node-1, ...). Clusters sharing one Docker Engine need distinct names.</summary>
    [Parameter]
    [ValidatePattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    public string ClusterName { get; set; } = "kubeps";

    /// <summary>The range Services' cluster IPs come from (default 10.96.0.0/12, or what the folder's cluster used); the DNS Service gets its tenth address.</summary>
    [Parameter]
    [ValidatePattern(@"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")]
    public string? ServiceClusterIpRange { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var layout = new ClusterLayout(ClusterLayout.DefaultModuleFolder, GetUnresolvedProviderPathFromPSPath(DataPath));
        foreach (var program in new[] { layout.EngineDll, layout.NodeDll }.Where(p => !File.Exists(p)))
        {
            ThrowTerminatingError(new ErrorRecord(
                new FileNotFoundException(Messages.ComponentMissing(program)), ErrorIds.ClusterFilesMissing, ErrorCategory.ObjectNotFound, program));
        }

        if (!ShouldProcess(layout.DataPath, VerbsLifecycle.Start))
        {
            return;
        }

        var state = Resolve(layout, ClusterState.Read(layout));

        // Recorded before starting, so that Stop-KubeCluster also cleans up after a start that failed.
        KubeSession.DataPath = layout.DataPath;
        try
        {
            Run(async (writer, ct) =>
            {
                var started = await new ClusterStarter(layout, state, writer).StartAsync(ct);
                started.Write(layout);
                writer.Object(new KubeClusterInfo(
                    layout.DataPath, Connection.Server, layout.KubeConfig, started.EnginePid, started.Nodes.Select(n => n.Name).ToList()));
            });
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(KubeErrors.FromException(e, layout.DataPath));
        }
    }

    /// <summary>
    /// The settings of this start: what the user asked for, else what the folder's cluster used before,
    /// so that a plain second Start-KubeCluster finds the same engine and nodes.
    /// </summary>
    private ClusterState Resolve(ClusterLayout layout, ClusterState? recorded)
    {
        var bound = MyInvocation.BoundParameters;
        var port = bound.ContainsKey(nameof(Port)) || recorded is null ? Port : recorded.EnginePort;
        if (recorded is not null && port != recorded.EnginePort
            && ProcessControl.IsRunning(ProcessControl.ReadPidFile(layout.EnginePidFile), ClusterLayout.EngineDllName, layout.DataPath))
        {
            WriteWarning(Messages.PortIgnored(recorded.EnginePort, port));
            port = recorded.EnginePort;
        }

        var keepNodes = recorded is not null
            && !bound.ContainsKey(nameof(NodeCount)) && !bound.ContainsKey(nameof(NodePort)) && !bound.ContainsKey(nameof(ClusterName));
        var nodes = keepNodes
            ? recorded!.Nodes
            : Enumerable.Range(1, NodeCount)
                .Select(i => new NodeSettings($"{ClusterName}-node-{i}", NodePort + i - 1)
                {
                    Pid = recorded?.Nodes.FirstOrDefault(n => n.Name == $"{ClusterName}-node-{i}")?.Pid,
                })
                .ToList();
        return new ClusterState(port, nodes) { EnginePid = recorded?.EnginePid, ServiceClusterIpRange = ServiceClusterIpRange ?? recorded?.ServiceClusterIpRange };
    }
}
