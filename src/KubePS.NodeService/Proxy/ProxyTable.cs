using System.Net;
using k8s.Models;
using KubePS.NodeService.Node;

namespace KubePS.NodeService.Proxy;

public enum ProxyMode
{
    Iptables,
    Userspace,
    None,
}

/// <summary>An endpoint of a Service port: a ready pod address and the port it listens on.</summary>
public sealed record ProxyEndpoint(string Ip, int Port, bool Local)
{
    public IPEndPoint EndPoint => new(IPAddress.Parse(Ip), Port);
}

/// <summary>
/// One port of one Service as the proxy routes it: where it listens (cluster IP and port, NodePort),
/// its ready endpoints, and its traffic policies.
/// </summary>
public sealed record ServicePortRoute(
    string ServiceKey,
    string PortName,
    string Protocol,
    IPAddress ClusterIp,
    int Port,
    int? NodePort,
    IReadOnlyList<ProxyEndpoint> Endpoints,
    int? AffinitySeconds,
    bool InternalLocal,
    bool ExternalLocal)
{
    public string Name => PortName.Length > 0 ? $"{ServiceKey}:{PortName}" : ServiceKey;

    /// <summary>The endpoints traffic to the cluster IP may reach (only this node's with internalTrafficPolicy Local).</summary>
    public IReadOnlyList<ProxyEndpoint> ClusterEndpoints => InternalLocal ? Endpoints.Where(e => e.Local).ToList() : Endpoints;

    /// <summary>The endpoints traffic to the NodePort may reach (only this node's with externalTrafficPolicy Local).</summary>
    public IReadOnlyList<ProxyEndpoint> ExternalEndpoints => ExternalLocal ? Endpoints.Where(e => e.Local).ToList() : Endpoints;
}

/// <summary>Builds the routes from Services and their Endpoints.</summary>
public static class ProxyTable
{
    public static List<ServicePortRoute> Build(IEnumerable<V1Service> services, IReadOnlyDictionary<string, V1Endpoints> endpoints, string nodeName)
    {
        var routes = new List<ServicePortRoute>();
        foreach (var service in services)
        {
            var spec = service.Spec;
            if (spec?.Type == "ExternalName" || !IPAddress.TryParse(spec?.ClusterIP, out var clusterIp))
            {
                // ExternalName Services live in DNS only; headless ones route straight to pod addresses.
                continue;
            }

            var key = WatchedCache<V1Service>.KeyOf(service.Metadata);
            endpoints.TryGetValue(key, out var ep);
            foreach (var port in spec.Ports ?? [])
            {
                var protocol = port.Protocol ?? "TCP";
                if (protocol is not ("TCP" or "UDP"))
                {
                    continue;
                }

                var ready = (ep?.Subsets ?? [])
                    .SelectMany(subset => (subset.Ports ?? [])
                        .Where(p => (p.Name ?? "") == (port.Name ?? "") && (p.Protocol ?? "TCP") == protocol)
                        .SelectMany(p => (subset.Addresses ?? []).Select(a => new ProxyEndpoint(a.Ip, p.Port, a.NodeName == nodeName))))
                    .DistinctBy(e => (e.Ip, e.Port))
                    .OrderBy(e => e.Ip, StringComparer.Ordinal)
                    .ThenBy(e => e.Port)
                    .ToList();
                routes.Add(new ServicePortRoute(
                    key, port.Name ?? "", protocol, clusterIp, port.Port,
                    spec.Type is "NodePort" or "LoadBalancer" ? port.NodePort : null,
                    ready,
                    spec.SessionAffinity == "ClientIP" ? spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? 10800 : null,
                    spec.InternalTrafficPolicy == "Local",
                    spec.ExternalTrafficPolicy == "Local"));
            }
        }

        return routes;
    }
}

/// <summary>A way of routing Services on this machine.</summary>
public interface IProxier : IAsyncDisposable
{
    /// <summary>Prepares the machine (removing what a previous run left behind).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Makes the machine route exactly these Service ports.</summary>
    Task SyncAsync(IReadOnlyList<ServicePortRoute> routes, CancellationToken cancellationToken);
}
