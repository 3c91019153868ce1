namespace KubePS.Core.Metrics;

/// <summary>
/// What a node service reports at <c>/stats/summary</c> (the kubelet's summary API, reduced to what
/// the metrics API serves): CPU as a rate in nanocores over the last window, memory as the working set.
/// </summary>
public sealed record NodeSummary(string NodeName, DateTime Timestamp, double WindowSeconds, Usage Node, IReadOnlyList<PodUsage> Pods);

public sealed record Usage(long CpuNanoCores, long MemoryWorkingSetBytes);

public sealed record PodUsage(string Namespace, string Name, IReadOnlyList<ContainerUsage> Containers);

public sealed record ContainerUsage(string Name, Usage Usage);
