using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets HorizontalPodAutoscalers (autoscaling/v2), with their targets and current replicas.</summary>
/// <example><code>Get-KubeHorizontalPodAutoscaler</code>Lists the autoscalers with their targets and replicas.</example>
[Cmdlet(VerbsCommon.Get, "KubeHorizontalPodAutoscaler", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Autoscaling)]
[OutputType(typeof(V2HorizontalPodAutoscaler))]
public sealed class GetKubeHorizontalPodAutoscalerCommand : GetNamespacedKubeObjectCmdlet<V2HorizontalPodAutoscaler>
{
    protected override string Kind => "horizontalpodautoscalers.autoscaling";

    protected override async Task<IList<V2HorizontalPodAutoscaler>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V2HorizontalPodAutoscaler>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V2HorizontalPodAutoscaler> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, ns, cancellationToken: ct);
}

/// <summary>
/// Creates a HorizontalPodAutoscaler for a Deployment, StatefulSet or ReplicaSet, as kubectl
/// autoscale does: between -Min and -Max replicas, on average CPU and/or memory utilisation of the
/// pods' requests (without either, the cluster's default of 80% CPU applies).
/// </summary>
/// <example><code>New-KubeHorizontalPodAutoscaler web -Deployment web -Min 2 -Max 10 -CpuPercent 50</code>Keeps web's pods near half of their CPU requests, with 2 to 10 of them.</example>
[Cmdlet(VerbsCommon.New, "KubeHorizontalPodAutoscaler", SupportsShouldProcess = true, DefaultParameterSetName = "Deployment", HelpUri = HelpLinks.Autoscaling)]
[OutputType(typeof(V2HorizontalPodAutoscaler))]
public sealed class NewKubeHorizontalPodAutoscalerCommand : NewNamespacedKubeObjectCmdlet<V2HorizontalPodAutoscaler>
{
    /// <summary>The Deployment to scale.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Deployment")]
    [ValidateNotNullOrEmpty]
    public string? Deployment { get; set; }

    /// <summary>The StatefulSet to scale.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "StatefulSet")]
    [ValidateNotNullOrEmpty]
    public string? StatefulSet { get; set; }

    /// <summary>The ReplicaSet to scale.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ReplicaSet")]
    [ValidateNotNullOrEmpty]
    public string? ReplicaSet { get; set; }

    /// <summary>The fewest replicas (default 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Min { get; set; } = 1;

    /// <summary>The most replicas.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Deployment")]
    [Parameter(Mandatory = true, ParameterSetName = "StatefulSet")]
    [Parameter(Mandatory = true, ParameterSetName = "ReplicaSet")]
    [ValidateRange(1, int.MaxValue)]
    public int Max { get; set; }

    /// <summary>The average CPU utilisation to keep, in percent of the pods' CPU requests.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CpuPercent { get; set; }

    /// <summary>The average memory utilisation to keep, in percent of the pods' memory requests.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MemoryPercent { get; set; }

    protected override string KindLabel => "horizontalpodautoscaler.autoscaling";

    protected override V2HorizontalPodAutoscaler BuildIn(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = metadata,
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference
            {
                ApiVersion = "apps/v1",
                Kind = ParameterSetName,
                Name = Deployment ?? StatefulSet ?? ReplicaSet,
            },
            MinReplicas = Min,
            MaxReplicas = Max,
            Metrics = Autoscaling.Metrics(CpuPercent, MemoryPercent),
        },
    };

    protected override Task<V2HorizontalPodAutoscaler> CreateInAsync(string ns, V2HorizontalPodAutoscaler item, CancellationToken ct) =>
        Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a HorizontalPodAutoscaler: its replica bounds and utilisation targets.</summary>
/// <example><code>Set-KubeHorizontalPodAutoscaler web -Max 20 -CpuPercent 60</code>Lets web grow to 20 pods, at 60% CPU.</example>
[Cmdlet(VerbsCommon.Set, "KubeHorizontalPodAutoscaler", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Autoscaling)]
[OutputType(typeof(V2HorizontalPodAutoscaler))]
public sealed class SetKubeHorizontalPodAutoscalerCommand : SetNamespacedKubeObjectCmdlet<V2HorizontalPodAutoscaler>
{
    /// <summary>The new fewest replicas.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Min { get; set; }

    /// <summary>The new most replicas.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Max { get; set; }

    /// <summary>The new CPU utilisation target, in percent of requests; with -MemoryPercent, replaces the metrics.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CpuPercent { get; set; }

    /// <summary>The new memory utilisation target, in percent of requests; with -CpuPercent, replaces the metrics.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MemoryPercent { get; set; }

    protected override string KindLabel => "horizontalpodautoscaler.autoscaling";

    protected override void Change(V2HorizontalPodAutoscaler current)
    {
        current.Spec.MinReplicas = Min ?? current.Spec.MinReplicas;
        current.Spec.MaxReplicas = Max ?? current.Spec.MaxReplicas;
        if (CpuPercent is not null || MemoryPercent is not null)
        {
            current.Spec.Metrics = Autoscaling.Metrics(CpuPercent, MemoryPercent);
        }
    }

    protected override Task<V2HorizontalPodAutoscaler> ReadAsync(string name, CancellationToken ct) =>
        Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V2HorizontalPodAutoscaler> ReplaceAsync(V2HorizontalPodAutoscaler item, CancellationToken ct) =>
        Client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes HorizontalPodAutoscalers; their targets keep the replicas they have.</summary>
/// <example><code>Remove-KubeHorizontalPodAutoscaler web</code>Stops autoscaling web; it keeps its current replicas.</example>
[Cmdlet(VerbsCommon.Remove, "KubeHorizontalPodAutoscaler", SupportsShouldProcess = true, HelpUri = HelpLinks.Autoscaling)]
[OutputType(typeof(V2HorizontalPodAutoscaler))]
public sealed class RemoveKubeHorizontalPodAutoscalerCommand : RemoveNamespacedKubeObjectCmdlet<V2HorizontalPodAutoscaler>
{
    protected override string KindLabel => "horizontalpodautoscaler.autoscaling";

    protected override async Task<V2HorizontalPodAutoscaler?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V2HorizontalPodAutoscaler> ReadAsync(string name, CancellationToken ct) =>
        Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, EffectiveNamespace, cancellationToken: ct);
}

internal static class Autoscaling
{
    /// <summary>Resource metrics for utilisation targets; null (the cluster's default) when none is given.</summary>
    public static List<V2MetricSpec>? Metrics(int? cpuPercent, int? memoryPercent)
    {
        var metrics = new List<V2MetricSpec>();
        if (cpuPercent is { } cpu)
        {
            metrics.Add(Utilisation("cpu", cpu));
        }

        if (memoryPercent is { } memory)
        {
            metrics.Add(Utilisation("memory", memory));
        }

        return metrics.Count == 0 ? null : metrics;
    }

    private static V2MetricSpec Utilisation(string resource, int percent) => new()
    {
        Type = "Resource",
        Resource = new V2ResourceMetricSource
        {
            Name = resource,
            Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = percent },
        },
    };
}
