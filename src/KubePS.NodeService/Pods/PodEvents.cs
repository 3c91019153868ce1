using k8s;
using k8s.Models;
using KubePS.Core.Events;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Pods;

/// <summary>Events about pods from this node (Pulled, Created, Started, Killing, Unhealthy, BackOff), as the kubelet records them.</summary>
public sealed class PodEvents(IKubernetes api, NodeOptions options, TimeProvider clock, ILogger<PodEvents> logger)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>Records an event about <paramref name="pod"/> (or one of its containers); best effort, never throws.</summary>
    public async Task RecordAsync(V1Pod pod, string? container, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var about = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Name = pod.Metadata.Name,
            NamespaceProperty = pod.Metadata.NamespaceProperty,
            Uid = pod.Metadata.Uid,
            FieldPath = container is null ? null : $"spec.containers{{{container}}}",
        };
        var ev = EventBuilder.For(about, type, reason, message, "kubelet", options.NodeName, clock.GetUtcNow().UtcDateTime);
        try
        {
            await api.CoreV1.CreateNamespacedEventAsync(ev, ev.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug("Could not record event {Reason} for pod {Pod}: {Message}", reason, pod.Metadata.Name, e.Message);
        }
    }
}
