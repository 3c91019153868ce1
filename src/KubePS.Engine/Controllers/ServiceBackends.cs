using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Controllers.Framework;

namespace KubePS.Engine.Controllers;

/// <summary>A port of a Service resolved for one pod: the Service port's name and protocol, the pod's port number.</summary>
public sealed record BackendPort(string? Name, int Port, string Protocol);

/// <summary>A pod behind a Service, with its readiness and the Service's ports resolved against its containers.</summary>
public sealed record ServiceBackend(V1Pod Pod, bool Ready, bool Serving, bool Terminating, IReadOnlyList<BackendPort> Ports)
{
    public string Ip => Pod.Status.PodIP;

    /// <summary>The ports as one comparable key, so backends with the same ports share a subset or a slice.</summary>
    public string PortsKey => string.Join(',', Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"));

    /// <summary>The pod's own DNS label under a headless Service (a StatefulSet pod's hostname when its subdomain is the Service).</summary>
    public string? Hostname(V1Service service) =>
        Pod.Spec.Hostname is { Length: > 0 } hostname && Pod.Spec.Subdomain == service.Metadata.Name ? hostname : null;

    public V1ObjectReference TargetRef => new()
    {
        Kind = "Pod",
        Name = Pod.Metadata.Name,
        NamespaceProperty = Pod.Metadata.NamespaceProperty,
        Uid = Pod.Metadata.Uid,
    };
}

/// <summary>Which pods back a Service: the rules the Endpoints and EndpointSlice controllers share.</summary>
public static class ServiceBackends
{
    /// <summary>Whether the Service's endpoints come from a selector (a Service without one has its endpoints written by hand).</summary>
    public static bool HasSelector(V1Service service) => service.Spec?.Selector is { Count: > 0 } && service.Spec.Type != "ExternalName";

    public static bool Selects(V1Service service, V1Pod pod) =>
        HasSelector(service) && service.Spec.Selector.All(s => pod.Metadata.Labels?.TryGetValue(s.Key, out var v) == true && v == s.Value);

    /// <summary>
    /// The pods the Service selects that have an address and have not finished, ordered by address.
    /// A pod being deleted is listed as terminating; with <c>publishNotReadyAddresses</c> every one counts as ready.
    /// </summary>
    public static List<ServiceBackend> Of(V1Service service, IEnumerable<V1Pod> podsInNamespace)
    {
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        return podsInNamespace
            .Where(p => Selects(service, p) && !string.IsNullOrEmpty(p.Status?.PodIP) && p.Status.Phase is not ("Succeeded" or "Failed"))
            .Select(p =>
            {
                var serving = PodState.IsReady(p);
                var terminating = p.Metadata.DeletionTimestamp is not null;
                var ready = publishNotReady || (serving && !terminating);
                return new ServiceBackend(p, ready, publishNotReady || serving, terminating, PortsFor(service, p));
            })
            .OrderBy(b => System.Net.IPAddress.TryParse(b.Ip, out var ip) ? Core.Networking.Ipv4Cidr.ToUInt32(ip) : 0)
            .ThenBy(b => b.Pod.Metadata.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Keys of the Services in the pod's namespace that select it, before or after a change.</summary>
    public static IEnumerable<string> ServicesSelecting(Informer<V1Service> services, V1Pod? old, V1Pod? current)
    {
        var ns = (current ?? old)?.Metadata.NamespaceProperty ?? "";
        return services.InNamespace(ns)
            .Where(s => (old is not null && Selects(s, old)) || (current is not null && Selects(s, current)))
            .Select(s => Informer<V1Service>.KeyOf(s.Metadata));
    }

    // A named targetPort is looked up among the pod's container ports; a pod without it has no such port.
    private static List<BackendPort> PortsFor(V1Service service, V1Pod pod)
    {
        var ports = new List<BackendPort>();
        foreach (var port in service.Spec.Ports ?? [])
        {
            var protocol = port.Protocol ?? "TCP";
            var target = port.TargetPort?.Value;
            int? number = int.TryParse(target, out var n) ? n : target is null ? port.Port : null;
            number ??= (pod.Spec.Containers ?? [])
                .SelectMany(c => c.Ports ?? [])
                .FirstOrDefault(p => p.Name == target && (p.Protocol ?? "TCP") == protocol)?.ContainerPort;
            if (number is { } resolved)
            {
                ports.Add(new BackendPort(port.Name, resolved, protocol));
            }
        }

        return ports;
    }
}
