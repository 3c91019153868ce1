using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>
/// Kinds served at more than one version are stored at one (their KindInfo.Version) and converted
/// on the way in and out: today autoscaling/v1 HorizontalPodAutoscalers over the stored autoscaling/v2.
/// </summary>
public static class VersionConversion
{
    /// <summary>The k8s.Models type of a kind at a served version.</summary>
    public static Type ClrTypeFor(KindInfo kind, string version) =>
        kind == KindRegistry.HorizontalPodAutoscaler && version == "v1" ? typeof(V1HorizontalPodAutoscaler) : kind.ClrType;

    public static JsonObject ToStorage(KindInfo kind, string version, JsonObject obj) =>
        version == kind.Version || obj["kind"]?.GetValue<string>() is "Status" ? obj
        : kind == KindRegistry.HorizontalPodAutoscaler ? KubeJson.ToNode(AutoscalerToV2(KubeJson.ToTyped<V1HorizontalPodAutoscaler>(obj)))
        : throw ApiException.PathNotFound();

    public static JsonObject FromStorage(KindInfo kind, string version, JsonObject obj) =>
        version == kind.Version || obj["kind"]?.GetValue<string>() is "Status" ? obj
        : kind == KindRegistry.HorizontalPodAutoscaler ? KubeJson.ToNode(AutoscalerToV1(KubeJson.ToTyped<V2HorizontalPodAutoscaler>(obj)))
        : throw ApiException.PathNotFound();

    // v1 knows one metric, CPU utilisation; the others do not survive a round trip through v1.
    private static V1HorizontalPodAutoscaler AutoscalerToV1(V2HorizontalPodAutoscaler hpa) => new()
    {
        ApiVersion = "autoscaling/v1",
        Kind = "HorizontalPodAutoscaler",
        Metadata = hpa.Metadata,
        Spec = new V1HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = hpa.Spec?.ScaleTargetRef is { } target
                ? new V1CrossVersionObjectReference { ApiVersion = target.ApiVersion, Kind = target.Kind, Name = target.Name }
                : null,
            MinReplicas = hpa.Spec?.MinReplicas,
            MaxReplicas = hpa.Spec?.MaxReplicas ?? 0,
            TargetCPUUtilizationPercentage = hpa.Spec?.Metrics?
                .FirstOrDefault(m => m.Resource is { Name: "cpu", Target.Type: "Utilization" })?.Resource.Target.AverageUtilization,
        },
        Status = hpa.Status is not { } status ? null : new V1HorizontalPodAutoscalerStatus
        {
            ObservedGeneration = status.ObservedGeneration,
            LastScaleTime = status.LastScaleTime,
            CurrentReplicas = status.CurrentReplicas ?? 0,
            DesiredReplicas = status.DesiredReplicas,
            CurrentCPUUtilizationPercentage = status.CurrentMetrics?
                .FirstOrDefault(m => m.Resource is { Name: "cpu" })?.Resource.Current?.AverageUtilization,
        },
    };

    private static V2HorizontalPodAutoscaler AutoscalerToV2(V1HorizontalPodAutoscaler hpa) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = hpa.Metadata,
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = hpa.Spec?.ScaleTargetRef is { } target
                ? new V2CrossVersionObjectReference { ApiVersion = target.ApiVersion, Kind = target.Kind, Name = target.Name }
                : null,
            MinReplicas = hpa.Spec?.MinReplicas,
            MaxReplicas = hpa.Spec?.MaxReplicas ?? 0,
            Metrics = hpa.Spec?.TargetCPUUtilizationPercentage is { } cpu
                ? [new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = cpu } } }]
                : null,
        },
        Status = hpa.Status is not { } status ? null : new V2HorizontalPodAutoscalerStatus
        {
            ObservedGeneration = status.ObservedGeneration,
            LastScaleTime = status.LastScaleTime,
            CurrentReplicas = status.CurrentReplicas,
            DesiredReplicas = status.DesiredReplicas,
            CurrentMetrics = status.CurrentCPUUtilizationPercentage is { } current
                ? [new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = "cpu", Current = new V2MetricValueStatus { AverageUtilization = current } } }]
                : null,
        },
    };
}
