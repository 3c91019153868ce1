using KubePS.Core.Kinds;
using KubePS.Core.Metrics;
using KubePS.NodeService.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Stats;

/// <summary>
/// Samples every running pod container of this node, and the machine, on a fixed interval and keeps
/// the latest rates: CPU in nanocores between the last two samples, memory as the working set. The
/// summary is what <c>/stats/summary</c> serves and the engine's metrics API reads.
/// </summary>
public sealed class StatsCollector(IContainerRuntime runtime, NodeOptions options, ILogger<StatsCollector> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, ResourceSample> _previous = [];
    private (DateTime Time, ulong BusyTicks, ulong TotalTicks)? _previousMachine;
    private volatile NodeSummary? _latest;

    public NodeSummary? Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _latest = await CollectAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug("Collecting container stats failed: {Message}", e.Message);
            }

            await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<NodeSummary> CollectAsync(CancellationToken cancellationToken)
    {
        var containers = (await runtime.ListAsync(options.NodeName, null, cancellationToken))
            .Where(c => c.State == ContainerRunState.Running && c.Label(WellKnown.ContainerLabels.Sandbox) != "true")
            .ToList();
        var samples = await Task.WhenAll(containers.Select(async c => (Container: c, Sample: await runtime.SampleAsync(c.Id, cancellationToken))));

        var pods = new Dictionary<(string Namespace, string Name), List<ContainerUsage>>();
        foreach (var (container, sample) in samples)
        {
            if (sample is null)
            {
                continue;
            }

            var cpu = _previous.TryGetValue(container.Id, out var before) && sample.Timestamp > before.Timestamp && sample.CpuNanoseconds >= before.CpuNanoseconds
                ? (long)((sample.CpuNanoseconds - before.CpuNanoseconds) / (sample.Timestamp - before.Timestamp).TotalSeconds)
                : 0;
            var key = (container.Label(WellKnown.ContainerLabels.PodNamespace) ?? "", container.Label(WellKnown.ContainerLabels.PodName) ?? "");
            if (!pods.TryGetValue(key, out var list))
            {
                pods[key] = list = [];
            }

            list.Add(new ContainerUsage(container.Label(WellKnown.ContainerLabels.ContainerName) ?? container.Name, new Usage(cpu, sample.MemoryWorkingSetBytes)));
        }

        var seen = samples.Where(s => s.Sample is not null).ToDictionary(s => s.Container.Id, s => s.Sample!);
        _previous.Clear();
        foreach (var (id, sample) in seen)
        {
            _previous[id] = sample;
        }

        return new NodeSummary(
            options.NodeName,
            DateTime.UtcNow,
            Interval.TotalSeconds,
            MachineUsage(),
            pods.Select(p => new PodUsage(p.Key.Namespace, p.Key.Name, p.Value)).ToList());
    }

    // The whole machine, as the kubelet reports its node: CPU from /proc/stat, memory in use from /proc/meminfo.
    private Usage MachineUsage()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Usage(0, Environment.WorkingSet);
        }

        var now = DateTime.UtcNow;
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ulong.Parse).ToArray();
        var idle = cpu[3] + (cpu.Length > 4 ? cpu[4] : 0);
        var total = cpu.Aggregate(0UL, (a, b) => a + b);
        long nanoCores = 0;
        if (_previousMachine is { } before && total > before.TotalTicks)
        {
            var busyShare = (double)(total - idle - before.BusyTicks) / (total - before.TotalTicks);
            nanoCores = (long)(busyShare * Environment.ProcessorCount * 1_000_000_000);
        }

        _previousMachine = (now, total - idle, total);
        var memory = File.ReadLines("/proc/meminfo").Select(l => l.Split(':')).ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0]) * 1024);
        return new Usage(nanoCores, memory["MemTotal"] - memory["MemAvailable"]);
    }
}
