using System.Globalization;
using System.Management.Automation;
using k8s;
using KubePS.Core.Printing;
using KubePS.Module.Errors;
using KubePS.Module.Pipeline;
using KubePS.Module.Session;

namespace KubePS.Module.Cluster;

/// <summary>Starts whatever of a local cluster is not running yet and waits until it serves.</summary>
public sealed class ClusterStarter(ClusterLayout layout, ClusterState state, PipelineWriter writer)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ProgressRecord progress = new(0, Messages.StartActivity, Messages.WaitingForApi);

    /// <summary>Runs the cluster and returns the state to record, with the pids it runs under.</summary>
    public async Task<ClusterState> StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.DataPath);
        var enginePid = await EnsureRunningAsync(
            "engine", ReadEnginePid(), EngineCommandLine, layout.EngineLog, cancellationToken);
        writer.Progress(progress);
        await WaitUntilAsync(
            "the API server", () => ApiProbe.IsReadyAsync(layout.KubeConfig, state.EnginePort, cancellationToken),
            () => IsEngine(enginePid), layout.EngineLog, cancellationToken);

        var connection = KubeSession.Connect(layout.KubeConfig, context: null);
        var nodes = new List<NodeSettings>();
        var started = new HashSet<string>();
        var startedAt = DateTime.UtcNow;
        foreach (var node in state.Nodes)
        {
            var known = ReadNodePid(node);
            var pid = await EnsureRunningAsync(
                $"node service {node.Name}", known, NodeCommandLine(node), layout.NodeLog(node.Name), cancellationToken);
            nodes.Add(node with { Pid = pid });
            if (pid != known)
            {
                started.Add(node.Name);
            }
        }

        progress.StatusDescription = Messages.WaitingForNodes;
        writer.Progress(progress);
        foreach (var node in nodes)
        {
            progress.CurrentOperation = Messages.NodeStatus(node.Name);
            writer.Progress(progress);
            await WaitUntilAsync(
                $"node {node.Name} to be Ready", () => IsNodeReadyAsync(connection.Client, node.Name, started.Contains(node.Name) ? startedAt : null, cancellationToken),
                () => IsNode(node, node.Pid), layout.NodeLog(node.Name), cancellationToken);
        }

        progress.RecordType = ProgressRecordType.Completed;
        writer.Progress(progress);
        return state with { EnginePid = enginePid, Nodes = nodes };
    }

    /// <summary>The engine's pid from its own pid file, else from what the last start recorded.</summary>
    private int? ReadEnginePid() =>
        ProcessControl.ReadPidFile(layout.EnginePidFile) is { } pid && IsEngine(pid) ? pid : state.EnginePid;

    private int? ReadNodePid(NodeSettings node) =>
        ProcessControl.ReadPidFile(layout.NodePidFile(node.Name)) is { } pid && IsNode(node, pid) ? pid : node.Pid;

    private string[] EngineCommandLine =>
    [
        layout.EngineDll, "--data-path", layout.DataPath,
        "--port", state.EnginePort.ToString(CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1", .. ServiceRange,
    ];

    private string[] NodeCommandLine(NodeSettings node) =>
    [
        layout.NodeDll, "--kubeconfig", layout.KubeConfig, "--node-name", node.Name,
        "--data-path", layout.NodeFolder(node.Name), "--port", node.Port.ToString(CultureInfo.InvariantCulture), .. ServiceRange,
    ];

    // Engine and node services must agree on the service range.
    private string[] ServiceRange => state.ServiceClusterIpRange is { } range ? ["--service-cluster-ip-range", range] : [];

    public bool IsEngine(int? pid) => ProcessControl.IsRunning(pid, ClusterLayout.EngineDllName, layout.DataPath);

    public bool IsNode(NodeSettings node, int? pid) =>
        ProcessControl.IsRunning(pid, ClusterLayout.NodeDllName, layout.NodeFolder(node.Name));

    private async Task<int> EnsureRunningAsync(
        string what, int? knownPid, string[] commandLine, string logPath, CancellationToken cancellationToken)
    {
        if (knownPid is { } pid && ProcessControl.IsRunning(pid, commandLine[0], commandLine[2]))
        {
            writer.Verbose(Messages.AlreadyRunning(what, pid));
            return pid;
        }

        var started = await DetachedProcess.StartDotnetAsync(commandLine, logPath, cancellationToken);
        writer.Verbose(Messages.StartedProcess(what, started));
        return started;
    }

    // A node service started just now counts only once it has reported itself: the Node may still
    // say Ready from before the cluster was stopped.
    private static async Task<bool> IsNodeReadyAsync(IKubernetes client, string name, DateTime? startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var node = await client.CoreV1.ReadNodeAsync(name, cancellationToken: cancellationToken);
            var heartbeat = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastHeartbeatTime?.ToUniversalTime();
            return NodePrinting.Status(node) == "Ready" && (startedAt is not { } since || heartbeat >= since.AddSeconds(-1));
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(
        string what, Func<Task<bool>> isDone, Func<bool> isAlive, string logPath, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (!await isDone())
            {
                if (!isAlive())
                {
                    throw new KubeException(
                        Messages.ProcessExited(what, logPath, LogTail.Read(logPath)), null, ErrorIds.ClusterStartFailed, ErrorCategory.OpenError);
                }

                await Task.Delay(PollInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeException(
                Messages.TimedOut(what, StartTimeout) + Environment.NewLine + LogTail.Read(logPath), null, ErrorIds.Timeout, ErrorCategory.OperationTimeout);
        }
    }
}
