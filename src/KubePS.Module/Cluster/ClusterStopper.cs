using System.Management.Automation;
using KubePS.Module.Pipeline;

namespace KubePS.Module.Cluster;

/// <summary>
/// Stops a local cluster gracefully: the node services first (they leave their containers running and
/// adopt them on the next start), then the engine, so no node loses its API server while stopping.
/// </summary>
public sealed class ClusterStopper(ClusterLayout layout, ClusterState? state, PipelineWriter writer)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var progress = new ProgressRecord(0, Messages.StopActivity, Messages.StopActivity);
        foreach (var (name, pid, isAlive) in NodeProcesses())
        {
            progress.StatusDescription = Messages.StoppingProcess(name, pid);
            writer.Progress(progress);
            await StopAsync(name, pid, isAlive, cancellationToken);
        }

        var enginePids = new[] { ProcessControl.ReadPidFile(layout.EnginePidFile), state?.EnginePid };
        foreach (var pid in enginePids.OfType<int>().Distinct())
        {
            bool IsEngine() => ProcessControl.IsRunning(pid, ClusterLayout.EngineDllName, layout.DataPath);
            if (IsEngine())
            {
                progress.StatusDescription = Messages.StoppingProcess("engine", pid);
                writer.Progress(progress);
                await StopAsync("engine", pid, IsEngine, cancellationToken);
            }
        }

        progress.RecordType = ProgressRecordType.Completed;
        writer.Progress(progress);
    }

    /// <summary>Every running node service of this data folder: recorded ones and any with a pid file.</summary>
    private IEnumerable<(string Name, int Pid, Func<bool> IsAlive)> NodeProcesses()
    {
        var nodesFolder = Path.Combine(layout.DataPath, "nodes");
        var names = (state?.Nodes.Select(n => n.Name) ?? [])
            .Concat(Directory.Exists(nodesFolder) ? Directory.GetDirectories(nodesFolder).Select(Path.GetFileName).OfType<string>() : [])
            .Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var recorded = state?.Nodes.FirstOrDefault(n => n.Name == name)?.Pid;
            foreach (var pid in new[] { ProcessControl.ReadPidFile(layout.NodePidFile(name)), recorded }.OfType<int>().Distinct())
            {
                var folder = layout.NodeFolder(name);
                bool IsNode() => ProcessControl.IsRunning(pid, ClusterLayout.NodeDllName, folder);
                if (IsNode())
                {
                    yield return ($"node service {name}", pid, IsNode);
                }
            }
        }
    }

    private async Task StopAsync(string what, int pid, Func<bool> isAlive, CancellationToken cancellationToken)
    {
        writer.Verbose(Messages.StoppingProcess(what, pid));
        ProcessControl.Terminate(pid);
        var deadline = DateTime.UtcNow + StopTimeout;
        while (isAlive() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval, cancellationToken);
        }

        if (isAlive())
        {
            ProcessControl.Kill(pid);
            writer.Warning(Messages.KilledProcess(what, pid));
        }
    }
}
