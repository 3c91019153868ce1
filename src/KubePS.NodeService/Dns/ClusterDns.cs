using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Proxy;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Dns;

/// <summary>
/// The cluster DNS: answers for <c>cluster.local</c> from the Services and Endpoints the node knows
/// (A records for Services, pod addresses of headless Services and their pods' hostnames, SRV
/// records for named ports, CNAMEs for ExternalName Services, NXDOMAIN for anything else in the
/// domain) and forwards other names to the host's resolvers. It listens on the host's address in the
/// pod network and makes itself the endpoint of the kube-dns Service.
/// </summary>
public sealed class ClusterDns(ServiceState state, IKubernetes api, NodeOptions options, ILogger<ClusterDns> logger)
{
    private const int Ttl = 5;
    private static readonly string Suffix = "." + WellKnown.ClusterDomain;
    private DnsServer? _server;
    private DnsClient? _upstream;

    public async Task StartAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(address, options.DnsPort);
        _server = new DnsServer(new UdpServerTransport(endpoint, 2000), new TcpServerTransport(endpoint, 2000, 10000));
        _server.QueryReceived += (_, e) => AnswerAsync(e);
        _server.ExceptionThrown += (_, e) =>
        {
            logger.LogDebug("DNS query failed: {Message}", e.Exception.Message);
            return Task.CompletedTask;
        };
        _server.Start();
        var upstream = options.UpstreamDns.Count > 0 ? options.UpstreamDns.Select(IPAddress.Parse).ToList() : DnsClient.GetLocalConfiguredDnsServers();
        _upstream = new DnsClient(upstream, 2000);
        logger.LogInformation("Cluster DNS listening on {Address}", endpoint);
        await PublishAsync(address, cancellationToken);
    }

    public async Task StopAsync()
    {
        _server?.Stop();
        _server = null;
        try
        {
            // The Service has no endpoint once this server is gone.
            await PublishAsync(null, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogDebug("Could not withdraw the DNS endpoint: {Message}", e.Message);
        }
    }

    /// <summary>The answer to one query (public for tests of the naming rules).</summary>
    public DnsMessage Answer(DnsMessage query)
    {
        var response = query.CreateResponseInstance();
        if (query.Questions.Count != 1)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }

        var question = query.Questions[0];
        var name = question.Name.ToString().TrimEnd('.').ToLowerInvariant();
        response.IsAuthoritiveAnswer = true;
        if (!InClusterDomain(name) || Lookup(name[..^Suffix.Length].Split('.'), question.Name) is not { } records)
        {
            response.ReturnCode = ReturnCode.NxDomain;
            return response;
        }

        // A name that exists answers what it has of the asked type (nothing is NODATA); a CNAME answers any type.
        response.AnswerRecords.AddRange(records.Where(r =>
            r.RecordType == question.RecordType || question.RecordType == RecordType.Any || r.RecordType == RecordType.CName));
        return response;
    }

    public static bool InClusterDomain(string name) =>
        name.TrimEnd('.').EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

    private async Task AnswerAsync(QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query || query.Questions.Count == 0)
        {
            return;
        }

        if (InClusterDomain(query.Questions[0].Name.ToString()))
        {
            e.Response = Answer(query);
            return;
        }

        var question = query.Questions[0];
        var response = query.CreateResponseInstance();
        var upstream = _upstream is null ? null : await _upstream.ResolveAsync(question.Name, question.RecordType, question.RecordClass);
        if (upstream is null)
        {
            response.ReturnCode = ReturnCode.ServerFailure;
        }
        else
        {
            response.ReturnCode = upstream.ReturnCode;
            response.AnswerRecords.AddRange(upstream.AnswerRecords);
            response.AuthorityRecords.AddRange(upstream.AuthorityRecords);
        }

        e.Response = response;
    }

    // Null when the name does not exist.
    private List<DnsRecordBase>? Lookup(string[] labels, DomainName name)
    {
        switch (labels)
        {
            case [var service, var ns, "svc"]:
                return state.Service(ns, service) is { } svc ? ServiceRecords(svc, name) : null;
            case [var host, var service, var ns, "svc"] when !host.StartsWith('_'):
                var addresses = ReadyAddresses(ns, service).Where(a => a.Hostname == host).ToList();
                return addresses.Count > 0 ? [.. addresses.Select(a => new ARecord(name, Ttl, IPAddress.Parse(a.Ip)))] : null;
            case [var port, var protocol, var service, var ns, "svc"] when port.StartsWith('_') && protocol.StartsWith('_'):
                return state.Service(ns, service) is { } named ? PortRecords(named, port[1..], protocol[1..].ToUpperInvariant(), name) : null;
            case [var dashed, _, "pod"] when IPAddress.TryParse(dashed.Replace('-', '.'), out var podIp):
                return [new ARecord(name, Ttl, podIp)];
            default:
                return null;
        }
    }

    private List<DnsRecordBase> ServiceRecords(V1Service service, DomainName name)
    {
        if (service.Spec.Type == "ExternalName")
        {
            return [new CNameRecord(name, Ttl, DomainName.Parse(service.Spec.ExternalName))];
        }

        if (IPAddress.TryParse(service.Spec.ClusterIP, out var clusterIp))
        {
            return [new ARecord(name, Ttl, clusterIp)];
        }

        // Headless: the ready pods themselves.
        return [.. ReadyAddresses(service.Metadata.NamespaceProperty, service.Metadata.Name)
            .Select(a => a.Ip).Distinct().Select(ip => new ARecord(name, Ttl, IPAddress.Parse(ip)))];
    }

    private List<DnsRecordBase>? PortRecords(V1Service service, string portName, string protocol, DomainName name)
    {
        if (service.Spec.Ports?.FirstOrDefault(p => p.Name == portName && (p.Protocol ?? "TCP") == protocol) is not { } port)
        {
            return null;
        }

        var serviceName = DomainName.Parse($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc{Suffix}");
        if (service.Spec.ClusterIP != "None")
        {
            return [new SrvRecord(name, Ttl, 0, 100, (ushort)port.Port, serviceName)];
        }

        // Headless: one record per ready pod, on the pod's own port, named by its hostname when it has one.
        var endpoints = state.Endpoints(service.Metadata.NamespaceProperty, service.Metadata.Name);
        return [.. (endpoints?.Subsets ?? [])
            .SelectMany(s => (s.Ports ?? []).Where(p => p.Name == portName && (p.Protocol ?? "TCP") == protocol)
                .SelectMany(p => (s.Addresses ?? []).Select(a => (Address: a, p.Port))))
            .Select(x => new SrvRecord(name, Ttl, 0, 100, (ushort)x.Port,
                x.Address.Hostname is { Length: > 0 } host ? DomainName.Parse($"{host}.{serviceName}") : serviceName))];
    }

    private IEnumerable<V1EndpointAddress> ReadyAddresses(string ns, string service) =>
        (state.Endpoints(ns, service)?.Subsets ?? []).SelectMany(s => s.Addresses ?? []);

    // Makes this server the kube-dns Service's endpoint (null: no endpoint).
    private async Task PublishAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        var endpoints = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = WellKnown.DnsService, NamespaceProperty = WellKnown.SystemNamespace },
            Subsets = address is null ? null :
            [
                new V1EndpointSubset
                {
                    Addresses = [new V1EndpointAddress { Ip = address.ToString(), NodeName = options.NodeName }],
                    Ports =
                    [
                        new Corev1EndpointPort { Name = "dns", Port = options.DnsPort, Protocol = "UDP" },
                        new Corev1EndpointPort { Name = "dns-tcp", Port = options.DnsPort, Protocol = "TCP" },
                    ],
                },
            ],
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var existing = await api.CoreV1.ReadNamespacedEndpointsAsync(WellKnown.DnsService, WellKnown.SystemNamespace, cancellationToken: cancellationToken);
                endpoints.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await api.CoreV1.ReplaceNamespacedEndpointsAsync(endpoints, WellKnown.DnsService, WellKnown.SystemNamespace, cancellationToken: cancellationToken);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                await api.CoreV1.CreateNamespacedEndpointsAsync(endpoints, WellKnown.SystemNamespace, cancellationToken: cancellationToken);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }
}
