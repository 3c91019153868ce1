using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Runtime;

namespace KubePS.NodeService.Dns;

/// <summary>A pod's resolv.conf from its <c>dnsPolicy</c> and <c>dnsConfig</c>, as the kubelet writes it.</summary>
public static class PodDns
{
    /// <summary>Null means the host's resolv.conf, unchanged (policy Default with no dnsConfig).</summary>
    public static ResolverConfig? For(V1Pod pod, NodeOptions options)
    {
        var policy = pod.Spec.DnsPolicy ?? "ClusterFirst";
        if (policy == "ClusterFirst" && pod.Spec.HostNetwork == true)
        {
            // A pod on the host's network resolves as the host does unless it asks for ClusterFirstWithHostNet.
            policy = "Default";
        }

        var ns = pod.Metadata.NamespaceProperty;
        var domain = WellKnown.ClusterDomain;
        var (servers, searches, opts) = policy switch
        {
            "ClusterFirst" or "ClusterFirstWithHostNet" => (
                new List<string> { options.ClusterDnsAddress.ToString() },
                new List<string> { $"{ns}.svc.{domain}", $"svc.{domain}", domain },
                new List<string> { "ndots:5" }),
            _ => (new List<string>(), new List<string>(), new List<string>()),
        };

        var config = pod.Spec.DnsConfig;
        if (policy == "Default" && config is null)
        {
            return null;
        }

        servers.AddRange(config?.Nameservers ?? []);
        searches.AddRange((config?.Searches ?? []).Where(s => !searches.Contains(s)));
        foreach (var option in config?.Options ?? [])
        {
            opts.RemoveAll(o => o.Split(':')[0] == option.Name);
            opts.Add(option.Value is { Length: > 0 } value ? $"{option.Name}:{value}" : option.Name);
        }

        return new ResolverConfig(servers, searches, opts);
    }
}
