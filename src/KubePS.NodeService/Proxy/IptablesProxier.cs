using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KubePS.Core.Networking;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Proxy;

/// <summary>
/// Routes Services with NAT rules in chains of its own, as kube-proxy's iptables mode: a services
/// chain matches each cluster IP and NodePort, a chain per Service port spreads connections over its
/// endpoints with random probabilities, a chain per endpoint DNATs to it. Loopback traffic, NodePort
/// traffic and a pod reaching itself are masqueraded; a Service without endpoints is rejected.
/// Each sync rewrites only the chains that changed, in one iptables-restore; stopping removes them all.
/// </summary>
public sealed class IptablesProxier(Ipv4Cidr serviceRange, ILogger logger) : IProxier
{
    private const string MasqueradeMark = "0x4000";
    private const string LocalnetSysctl = "/proc/sys/net/ipv4/conf/all/route_localnet";

    // Chains are named after the service range, so two clusters on one machine keep apart.
    private readonly string _prefix = ChainPrefix(serviceRange);
    private readonly UdpConntrack _conntrack = new(logger);
    private Dictionary<(string Table, string Chain), string> _applied = [];
    private string? _localnetBefore;

    /// <summary>What every chain of the proxy for <paramref name="serviceRange"/> starts with.</summary>
    public static string ChainPrefix(Ipv4Cidr serviceRange) =>
        "KPS" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(serviceRange.ToString())))[..6];

    private string Services => _prefix + "-SERVICES";
    private string NodePorts => _prefix + "-NODEPORTS";
    private string Postrouting => _prefix + "-POSTROUTING";
    private string MarkMasquerade => _prefix + "-MARK-MASQ";
    private string Filter => _prefix + "-FILTER";

    private IEnumerable<(string Table, string Builtin, string Chain)> Hooks =>
    [
        ("nat", "PREROUTING", Services),
        ("nat", "OUTPUT", Services),
        ("nat", "POSTROUTING", Postrouting),
        ("filter", "INPUT", Filter),
        ("filter", "OUTPUT", Filter),
        ("filter", "FORWARD", Filter),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RemoveAllAsync();

        // NodePorts answer on 127.0.0.1 too, which needs DNAT of loopback traffic to pods.
        _localnetBefore = (await File.ReadAllTextAsync(LocalnetSysctl, cancellationToken)).Trim();
        await File.WriteAllTextAsync(LocalnetSysctl, "1", cancellationToken);

        await ApplyAsync(new Dictionary<(string, string), string>
        {
            [("nat", Services)] = "",
            [("nat", Postrouting)] = Postrouting.Rules(
                $"-m mark ! --mark {MasqueradeMark}/{MasqueradeMark} -j RETURN",
                $"-j MARK --xor-mark {MasqueradeMark}",
                "-m comment --comment \"kubeps service traffic requiring SNAT\" -j MASQUERADE --random-fully"),
            [("nat", MarkMasquerade)] = MarkMasquerade.Rules($"-j MARK --or-mark {MasqueradeMark}"),
            [("filter", Filter)] = "",
        }, cancellationToken);
        foreach (var (table, builtin, chain) in Hooks)
        {
            await HostCommand.RunAsync("iptables", ["-w", "-t", table, "-I", builtin, "1", "-m", "comment", "--comment", "kubeps service portals", "-j", chain], cancellationToken: cancellationToken);
        }
    }

    public async Task SyncAsync(IReadOnlyList<ServicePortRoute> routes, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<(string, string), string>
        {
            [("nat", Postrouting)] = _applied[("nat", Postrouting)],
            [("nat", MarkMasquerade)] = _applied[("nat", MarkMasquerade)],
        };
        var services = new StringBuilder();
        var nodePorts = new StringBuilder();
        var filter = new StringBuilder();
        foreach (var route in routes.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Protocol))
        {
            var proto = route.Protocol.ToLowerInvariant();
            var match = $"-p {proto} -m {proto} --dport";
            var comment = $"-m comment --comment \"{route.Name}\"";
            var svc = ChainName("SVC", route.Name + "/" + route.Protocol);
            if (route.ClusterEndpoints.Count > 0)
            {
                services.Append(Services.Rule($"-d {route.ClusterIp}/32 {match} {route.Port} {comment} -j {svc}"));
                wanted[("nat", svc)] = SpreadRules(svc, route, route.ClusterEndpoints, masqueradeLoopback: true, wanted);
            }
            else
            {
                filter.Append(Filter.Rule($"-d {route.ClusterIp}/32 {match} {route.Port} -m comment --comment \"{route.Name} has no endpoints\" -j REJECT --reject-with icmp-port-unreachable"));
            }

            if (route.NodePort is not { } nodePort)
            {
                continue;
            }

            if (route.ExternalEndpoints.Count == 0)
            {
                filter.Append(Filter.Rule($"-m addrtype --dst-type LOCAL {match} {nodePort} -m comment --comment \"{route.Name} has no endpoints\" -j REJECT --reject-with icmp-port-unreachable"));
                continue;
            }

            var external = ChainName("EXT", route.Name + "/" + route.Protocol);
            nodePorts.Append(NodePorts.Rule($"{match} {nodePort} {comment} -j {external}"));

            // With externalTrafficPolicy Local the client's address is kept, except for loopback, which no pod could answer.
            wanted[("nat", external)] = route.ExternalLocal
                ? external.Rule($"-s 127.0.0.0/8 -j {MarkMasquerade}") + SpreadRules(external, route, route.ExternalEndpoints, masqueradeLoopback: false, wanted)
                : external.Rule($"-j {MarkMasquerade}") + external.Rule($"-j {svc}");
            if (!route.ExternalLocal && !wanted.ContainsKey(("nat", svc)))
            {
                wanted[("nat", svc)] = SpreadRules(svc, route, route.ExternalEndpoints, masqueradeLoopback: false, wanted);
            }
        }

        // NodePorts match last: on any local address, which includes every cluster IP (the range is routed locally).
        services.Append(Services.Rule($"-m addrtype --dst-type LOCAL -m comment --comment \"kubeps nodeports\" -j {NodePorts}"));
        wanted[("nat", Services)] = services.ToString();
        wanted[("nat", NodePorts)] = nodePorts.ToString();
        wanted[("filter", Filter)] = filter.ToString();
        await ApplyAsync(wanted, cancellationToken);
        await _conntrack.ForgetStaleAsync(routes, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await RemoveAllAsync();
        if (_localnetBefore is not null)
        {
            await File.WriteAllTextAsync(LocalnetSysctl, _localnetBefore);
        }
    }

    // The service port's chain: sticky endpoints first (ClientIP affinity), then an even random spread.
    private string SpreadRules(string chain, ServicePortRoute route, IReadOnlyList<ProxyEndpoint> endpoints, bool masqueradeLoopback, Dictionary<(string, string), string> wanted)
    {
        var rules = new StringBuilder();
        // A pod cannot answer 127.0.0.1. Every other source gets its answer back through this host,
        // the pods' gateway, whose conntrack undoes the DNAT, so it keeps its address (the host's own
        // connections come from the cluster IP itself, which the local route makes an address of it).
        if (masqueradeLoopback)
        {
            rules.Append(chain.Rule($"-s 127.0.0.0/8 -j {MarkMasquerade}"));
        }

        var endpointChains = endpoints.Select(e => (Endpoint: e, Chain: ChainName("SEP", $"{route.Name}/{route.Protocol}/{e.Ip}:{e.Port}"))).ToList();
        foreach (var (endpoint, sep) in endpointChains)
        {
            var affinity = route.AffinitySeconds is { } seconds ? $"-m recent --name {sep} --set " : "";
            var proto = route.Protocol.ToLowerInvariant();
            wanted[("nat", sep)] = sep.Rule($"-s {endpoint.Ip}/32 -j {MarkMasquerade}")
                + sep.Rule($"-p {proto} -m {proto} {affinity}-j DNAT --to-destination {endpoint.Ip}:{endpoint.Port}");
            if (route.AffinitySeconds is { } timeout)
            {
                rules.Append(chain.Rule($"-m recent --name {sep} --rcheck --seconds {timeout} --reap -j {sep}"));
            }
        }

        for (var i = 0; i < endpointChains.Count; i++)
        {
            var left = endpointChains.Count - i;
            var probability = left > 1 ? $"-m statistic --mode random --probability {(1.0 / left).ToString("0.00000000000", CultureInfo.InvariantCulture)} " : "";
            rules.Append(chain.Rule($"{probability}-j {endpointChains[i].Chain}"));
        }

        return rules.ToString();
    }

    private string ChainName(string kind, string identity) =>
        $"{_prefix}-{kind}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12]}";

    // One iptables-restore: declares (and so flushes) each changed chain, writes its rules, and deletes chains no longer wanted.
    private async Task ApplyAsync(Dictionary<(string Table, string Chain), string> wanted, CancellationToken cancellationToken)
    {
        var input = new StringBuilder();
        foreach (var table in new[] { "nat", "filter" })
        {
            var changed = wanted.Where(w => w.Key.Table == table && (!_applied.TryGetValue(w.Key, out var rules) || rules != w.Value)).ToList();
            var gone = _applied.Keys.Where(k => k.Table == table && !wanted.ContainsKey(k)).ToList();
            if (changed.Count == 0 && gone.Count == 0)
            {
                continue;
            }

            input.Append('*').Append(table).Append('\n');
            foreach (var ((_, chain), _) in changed)
            {
                input.Append(':').Append(chain).Append(" - [0:0]\n");
            }

            foreach (var (_, rules) in changed)
            {
                input.Append(rules);
            }

            foreach (var (_, chain) in gone)
            {
                input.Append(":").Append(chain).Append(" - [0:0]\n").Append("-X ").Append(chain).Append('\n');
            }

            input.Append("COMMIT\n");
        }

        if (input.Length == 0)
        {
            return;
        }

        await HostCommand.RunAsync("iptables-restore", ["-w", "--noflush"], input.ToString(), cancellationToken: cancellationToken);
        _applied = new Dictionary<(string, string), string>(wanted);
        logger.LogDebug("Service rules updated");
    }

    // Everything of ours: the jumps from the built-in chains, then our chains (also a crashed run's leftovers).
    private async Task RemoveAllAsync()
    {
        foreach (var table in new[] { "nat", "filter" })
        {
            var saved = await HostCommand.RunAsync("iptables-save", ["-t", table]);
            var lines = saved.Split('\n');
            foreach (var hook in lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && !l.StartsWith("-A " + _prefix, StringComparison.Ordinal) && l.Contains("-j " + _prefix, StringComparison.Ordinal)))
            {
                await HostCommand.RunAsync("sh", ["-c", $"iptables -w -t {table} -D {hook[3..]}"], check: false);
            }

            var chains = lines.Where(l => l.StartsWith(":" + _prefix, StringComparison.Ordinal)).Select(l => l[1..l.IndexOf(' ')]).ToList();
            if (chains.Count > 0)
            {
                var input = new StringBuilder($"*{table}\n");
                chains.ForEach(c => input.Append(':').Append(c).Append(" - [0:0]\n"));
                chains.ForEach(c => input.Append("-X ").Append(c).Append('\n'));
                input.Append("COMMIT\n");
                await HostCommand.RunAsync("iptables-restore", ["-w", "--noflush"], input.ToString());
            }
        }

        _applied = [];
    }
}

internal static class ChainRules
{
    public static string Rule(this string chain, string rule) => $"-A {chain} {rule}\n";

    public static string Rules(this string chain, params string[] rules) => string.Concat(rules.Select(r => chain.Rule(r)));
}
