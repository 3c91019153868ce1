using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Proxy;

/// <summary>
/// UDP has no connection to end, so a client that keeps sending to a Service keeps its conntrack entry,
/// and with it the endpoint it was DNATed to, after that endpoint is gone or replaced. As kube-proxy does,
/// the entries of a UDP Service port are deleted (<c>conntrack -D</c>) when one of its endpoints goes, and
/// when it gets endpoints after having none (its earlier packets were rejected).
/// </summary>
public sealed class UdpConntrack(ILogger logger)
{
    private Dictionary<string, ServicePortRoute> _previous = [];
    private bool _unavailable;

    public async Task ForgetStaleAsync(IReadOnlyList<ServicePortRoute> routes, CancellationToken cancellationToken)
    {
        var current = routes.Where(r => r.Protocol == "UDP").ToDictionary(r => r.Name);
        foreach (var (name, before) in _previous)
        {
            var now = current.GetValueOrDefault(name);
            var kept = now?.Endpoints.Select(e => (e.Ip, e.Port)).ToHashSet() ?? [];
            var stale = before.Endpoints.Any(e => !kept.Contains((e.Ip, e.Port)))
                || (before.Endpoints.Count == 0 && now is { Endpoints.Count: > 0 });
            if (!stale)
            {
                continue;
            }

            await DeleteAsync(["--orig-dst", before.ClusterIp.ToString(), "--orig-port-dst", Text(before.Port)], cancellationToken);
            if (before.NodePort is { } nodePort)
            {
                await DeleteAsync(["--orig-port-dst", Text(nodePort)], cancellationToken);
            }
        }

        _previous = current;
    }

    private async Task DeleteAsync(string[] match, CancellationToken cancellationToken)
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            // It exits with 1 when nothing matched, which is no failure here.
            await HostCommand.RunAsync("conntrack", ["-D", "-p", "udp", .. match], check: false, cancellationToken: cancellationToken);
        }
        catch (Win32Exception e)
        {
            _unavailable = true;
            logger.LogWarning("conntrack cannot run ({Message}): UDP clients may keep reaching removed endpoints until their entries expire", e.Message);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
