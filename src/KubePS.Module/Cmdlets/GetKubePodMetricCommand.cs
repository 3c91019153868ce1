using System.Management.Automation;
using k8s;
using KubePS.Module.Completion;
using KubePS.Module.Formatting;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets the current CPU and memory use of pods' containers, from the metrics API (kubectl top pod).</summary>
/// <example><code>Get-KubePodMetric -AllNamespaces | Sort-Object CpuMillicores -Descending | Select-Object -First 5</code>Shows the five busiest pods.</example>
[Cmdlet(VerbsCommon.Get, "KubePodMetric", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.GetKubePodMetric)]
[OutputType(typeof(KubePodMetric))]
public sealed class GetKubePodMetricCommand : KubeApiCmdlet
{
    /// <summary>Names of the pods; wildcards allowed. Every pod when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The namespace to look in; the session's namespace (default) when omitted.</summary>
    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Pods of every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AllNamespaces")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = (Name ?? ["*"]).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        RunForItem(this, async (writer, ct) =>
        {
            var list = AllNamespaces
                ? await Client.GetKubernetesPodsMetricsAsync()
                : await Client.GetKubernetesPodsMetricsByNamespaceAsync(Namespace ?? Connection.Namespace);
            foreach (var pod in list.Items.Where(p => patterns.Any(w => w.IsMatch(p.Metadata.Name))))
            {
                writer.Object(new KubePodMetric(
                    pod.Metadata.NamespaceProperty,
                    pod.Metadata.Name,
                    pod.Containers.Sum(c => Quantities.CpuMillicores(c.Usage)),
                    pod.Containers.Sum(c => Quantities.Bytes(c.Usage, "memory")),
                    pod.Timestamp ?? DateTime.UtcNow));
            }
        });
    }
}

/// <summary>Gets the current CPU and memory use of nodes, from the metrics API (kubectl top node).</summary>
/// <example><code>Get-KubeNodeMetric</code>Shows each node's CPU and memory use, as kubectl top nodes does.</example>
[Cmdlet(VerbsCommon.Get, "KubeNodeMetric", HelpUri = HelpLinks.GetKubeNodeMetric)]
[OutputType(typeof(KubeNodeMetric))]
public sealed class GetKubeNodeMetricCommand : KubeApiCmdlet
{
    /// <summary>Names of the nodes; wildcards allowed. Every node when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var patterns = (Name ?? ["*"]).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        RunForItem(this, async (writer, ct) =>
        {
            var metrics = await Client.GetKubernetesNodesMetricsAsync();
            var nodes = (await Client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.ToDictionary(n => n.Metadata.Name);
            foreach (var node in metrics.Items.Where(n => patterns.Any(w => w.IsMatch(n.Metadata.Name))))
            {
                var allocatable = nodes.TryGetValue(node.Metadata.Name, out var n) ? n.Status?.Allocatable : null;
                var cpu = Quantities.CpuMillicores(node.Usage);
                var memory = Quantities.Bytes(node.Usage, "memory");
                var cpuCapacity = allocatable is null ? 0 : Quantities.CpuMillicores(allocatable);
                var memoryCapacity = allocatable is null ? 0 : Quantities.Bytes(allocatable, "memory");
                writer.Object(new KubeNodeMetric(
                    node.Metadata.Name, cpu, cpuCapacity == 0 ? null : Math.Round(100.0 * cpu / cpuCapacity),
                    memory, memoryCapacity == 0 ? null : Math.Round(100.0 * memory / memoryCapacity), node.Timestamp ?? DateTime.UtcNow));
            }
        });
    }
}

/// <summary>A pod's use, summed over its containers: CPU in millicores, memory in bytes.</summary>
public sealed record KubePodMetric(string Namespace, string Name, long CpuMillicores, long MemoryBytes, DateTime Timestamp);

/// <summary>A node's use: CPU in millicores and memory in bytes, each also as a share of what the node can allocate.</summary>
public sealed record KubeNodeMetric(string Name, long CpuMillicores, double? CpuPercent, long MemoryBytes, double? MemoryPercent, DateTime Timestamp);
