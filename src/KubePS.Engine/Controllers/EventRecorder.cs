using k8s.Models;
using KubePS.Core.Events;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>Writes core/v1 Events about objects, as the engine's components report what they did.</summary>
public sealed class EventRecorder(ObjectService objects, TimeProvider clock, ILogger<EventRecorder> logger)
{
    public async Task RecordAsync(
        IKubeObjectReference about, string type, string reason, string message, string component, CancellationToken cancellationToken)
    {
        var reference = new V1ObjectReference
        {
            ApiVersion = about.ApiVersion,
            Kind = about.Kind,
            Name = about.Name,
            NamespaceProperty = about.Namespace,
            Uid = about.Uid,
            ResourceVersion = about.ResourceVersion,
        };
        var ev = EventBuilder.For(reference, type, reason, message, component, null, clock.GetUtcNow().UtcDateTime);
        var ns = ev.Metadata.NamespaceProperty;
        try
        {
            await objects.CreateAsync(KindRegistry.Event, ns, KubeJson.ToNode(ev), dryRun: false, cancellationToken);
        }
        catch (ApiException e)
        {
            // Events are best effort, as in Kubernetes: losing one must not fail the work it describes.
            logger.LogWarning("Could not record event {Reason} for {Kind} {Name}: {Message}", reason, about.Kind, about.Name, e.Message);
        }
    }
}

/// <summary>The fields of an object an Event points at.</summary>
public interface IKubeObjectReference
{
    string ApiVersion { get; }

    string Kind { get; }

    string? Namespace { get; }

    string Name { get; }

    string? Uid { get; }

    string? ResourceVersion { get; }
}

public sealed record ObjectReference(string ApiVersion, string Kind, string? Namespace, string Name, string? Uid, string? ResourceVersion)
    : IKubeObjectReference
{
    public static ObjectReference Of(V1Pod pod) => Of(KindRegistry.Pod, pod.Metadata);

    public static ObjectReference Of(KindInfo kind, V1ObjectMeta meta) =>
        new(kind.ApiVersion, kind.Kind, meta.NamespaceProperty, meta.Name, meta.Uid, meta.ResourceVersion);
}
