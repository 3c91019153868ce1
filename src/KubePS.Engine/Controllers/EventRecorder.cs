using k8s.Models;
using KubePS.Core.Events;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Writes core/v1 Events about objects, as the engine's components report what they did. A repeat of
/// an Event (same object, type, reason, message and component) raises the count and last timestamp
/// of the one already written instead of adding another, as Kubernetes' event correlator does.
/// </summary>
public sealed class EventRecorder(ObjectService objects, TimeProvider clock, ILogger<EventRecorder> logger)
{
    private const int RememberedEvents = 4096;
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Namespace, string Name)> _written = [];

    public async Task RecordAsync(
        IKubeObjectReference about, string type, string reason, string message, string component, CancellationToken cancellationToken)
    {
        var key = string.Join('\n', about.Kind, about.Namespace, about.Name, about.Uid, type, reason, message, component);
        var now = clock.GetUtcNow().UtcDateTime;
        (string Namespace, string Name) earlier;
        lock (_gate)
        {
            _written.TryGetValue(key, out earlier);
        }

        try
        {
            if (earlier.Name is null || !await CountAgainAsync(earlier.Namespace, earlier.Name, now, cancellationToken))
            {
                var written = await CreateAsync(about, type, reason, message, component, now, cancellationToken);
                Remember(key, written);
            }
        }
        catch (ApiException e)
        {
            // Events are best effort, as in Kubernetes: losing one must not fail the work it describes.
            logger.LogWarning("Could not record event {Reason} for {Kind} {Name}: {Message}", reason, about.Kind, about.Name, e.Message);
        }
    }

    private async Task<(string, string)> CreateAsync(
        IKubeObjectReference about, string type, string reason, string message, string component, DateTime now, CancellationToken cancellationToken)
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
        var ev = EventBuilder.For(reference, type, reason, message, component, null, now);
        await objects.CreateAsync(KindRegistry.Event, ev.Metadata.NamespaceProperty, KubeJson.ToNode(ev), dryRun: false, cancellationToken);
        return (ev.Metadata.NamespaceProperty, ev.Metadata.Name);
    }

    // False when the earlier Event is gone (expired or deleted), so a new one is written.
    private async Task<bool> CountAgainAsync(string ns, string name, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            var existing = KubeJson.ToTyped<Corev1Event>(await objects.GetAsync(KindRegistry.Event, ns, name, cancellationToken));
            existing.Count = (existing.Count ?? 1) + 1;
            existing.LastTimestamp = now;
            await objects.UpdateAsync(KindRegistry.Event, ns, name, KubeJson.ToNode(existing), subresource: null, dryRun: false, cancellationToken);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    private void Remember(string key, (string, string) written)
    {
        lock (_gate)
        {
            if (_written.Count >= RememberedEvents)
            {
                _written.Clear();
            }

            _written[key] = written;
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
