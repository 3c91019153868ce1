using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Core.Events;

/// <summary>A core/v1 Event about one object, as the engine's components and the node services report what they did.</summary>
public static class EventBuilder
{
    public static Corev1Event For(V1ObjectReference about, string type, string reason, string message, string component, string? host, DateTime now)
    {
        var name = about.Name ?? "object";
        return new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                // The object's name and a unique suffix, as Kubernetes names events.
                Name = $"{name}.{Guid.NewGuid():N}"[..Math.Min(name.Length + 17, 253)],
                NamespaceProperty = about.NamespaceProperty ?? WellKnown.DefaultNamespace,
            },
            InvolvedObject = about,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = component, Host = host },
            ReportingComponent = component,
            ReportingInstance = host,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
    }
}
