using System.Net;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Networking;
using KubePS.Core.Validation;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Admission;

/// <summary>The cluster's service ranges: cluster IPs and NodePorts.</summary>
public sealed record ServiceNetwork(Ipv4Cidr ClusterIps, PortRange NodePorts)
{
    public static ServiceNetwork Default { get; } = new(Ipv4Cidr.DefaultServiceRange, PortRange.DefaultNodePorts);

    /// <summary>The <c>kubernetes</c> Service's address: the range's first.</summary>
    public IPAddress ApiServerAddress => ClusterIps.AddressAt(1);

    /// <summary>The cluster DNS Service's address: the range's tenth.</summary>
    public IPAddress DnsAddress => ClusterIps.AddressAt(10);
}

/// <summary>
/// Hands out cluster IPs and NodePorts to Services, refuses ones already taken or outside the
/// ranges, and takes them back when a Service lets go. What is taken is rebuilt from the stored
/// Services the first time it is needed, so an engine restart repairs it.
/// </summary>
public sealed class ServiceAllocator(IObjectStore store, ServiceNetwork network)
{
    // Kubernetes keeps the bottom of the range for addresses asked for by name (the DNS at .10);
    // dynamic allocation takes them only when the rest is full.
    private const long StaticBand = 16;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private HashSet<long>? _addresses;
    private HashSet<int>? _ports;

    public ServiceNetwork Network => network;

    /// <summary>
    /// Fills in <paramref name="service"/>'s cluster IP and NodePorts, keeping what <paramref name="old"/>
    /// had. Dispose the result once the write is done; <see cref="Allocation.Commit"/> before that keeps
    /// the new values and frees what the old version held and the new one does not.
    /// </summary>
    public async Task<Allocation> AllocateAsync(V1Service service, V1Service? old, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
            var allocation = new Allocation(this);
            var errors = new List<FieldError>();
            AssignClusterIp(service, old, allocation, errors);
            AssignNodePorts(service, old, allocation, errors);
            if (errors.Count > 0)
            {
                allocation.Undo();
                throw ApiException.Invalid(KindRegistry.Service, service.Metadata.Name, errors);
            }

            return allocation;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees what a removed Service held.</summary>
    public void Release(V1Service service)
    {
        var allocation = new Allocation(this);
        allocation.FreeOnCommit(service);
        allocation.Commit();
        allocation.Dispose();
    }

    private static bool HasClusterIp(V1Service? service) =>
        service?.Spec is { Type: not "ExternalName", ClusterIP: { Length: > 0 } ip } && ip != "None";

    private static bool HasNodePorts(V1Service? service) => service?.Spec?.Type is "NodePort" or "LoadBalancer";

    private void AssignClusterIp(V1Service service, V1Service? old, Allocation allocation, List<FieldError> errors)
    {
        var spec = service.Spec;
        if (spec.Type == "ExternalName")
        {
            spec.ClusterIP = null;
            spec.ClusterIPs = null;
            return;
        }

        var wanted = string.IsNullOrEmpty(spec.ClusterIP) ? spec.ClusterIPs?.FirstOrDefault() : spec.ClusterIP;
        if (HasClusterIp(old) || old?.Spec.ClusterIP == "None")
        {
            // A cluster IP never changes once set; an update that leaves it out keeps it.
            if (!string.IsNullOrEmpty(wanted) && wanted != old!.Spec.ClusterIP)
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs[0]", wanted, "may not change once set"));
                return;
            }

            spec.ClusterIP = old!.Spec.ClusterIP;
        }
        else if (wanted == "None")
        {
            spec.ClusterIP = "None";
        }
        else if (!string.IsNullOrEmpty(wanted))
        {
            if (!IPAddress.TryParse(wanted, out var address) || !network.ClusterIps.Contains(address)
                || network.ClusterIps.OffsetOf(address) is var offset && (offset == 0 || offset == network.ClusterIps.Size - 1))
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs", wanted,
                    $"failed to allocate IP {wanted}: the provided IP ({wanted}) is not in the valid range. The range of valid IPs is {network.ClusterIps}"));
                return;
            }

            if (!allocation.TakeAddress(offset))
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs", wanted, $"failed to allocate IP {wanted}: provided IP is already allocated"));
                return;
            }

            spec.ClusterIP = address.ToString();
        }
        else if (FreeAddress() is { } free)
        {
            allocation.TakeAddress(free);
            spec.ClusterIP = network.ClusterIps.AddressAt(free).ToString();
        }
        else
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs", null, $"failed to allocate a serviceIP: range is full ({network.ClusterIps})"));
            return;
        }

        spec.ClusterIPs = [spec.ClusterIP];
    }

    private void AssignNodePorts(V1Service service, V1Service? old, Allocation allocation, List<FieldError> errors)
    {
        var ports = service.Spec.Ports ?? [];
        var oldPorts = HasNodePorts(old) ? old!.Spec.Ports ?? [] : [];
        var kept = new HashSet<int>();
        for (var i = 0; i < ports.Count && HasNodePorts(service); i++)
        {
            var port = ports[i];
            var previous = oldPorts.FirstOrDefault(p => p.NodePort is not null && (p.Name ?? "") == (port.Name ?? "") && p.Port == port.Port)
                ?? oldPorts.FirstOrDefault(p => p.NodePort is not null && p.Port == port.Port && p.Protocol == port.Protocol);
            var path = $"spec.ports[{i}].nodePort";
            if (port.NodePort is null && previous is not null)
            {
                port.NodePort = previous.NodePort;
            }

            if (port.NodePort is { } asked)
            {
                // Already this Service's (from before, or for another protocol on the same port).
                if (!kept.Add(asked) || oldPorts.Any(p => p.NodePort == asked))
                {
                    continue;
                }

                if (!network.NodePorts.Contains(asked))
                {
                    errors.Add(FieldError.Invalid(path, asked.ToString(),
                        $"provided port is not in the valid range. The range of valid ports is {network.NodePorts}"));
                }
                else if (!allocation.TakePort(asked))
                {
                    errors.Add(FieldError.Invalid(path, asked.ToString(), "provided port is already allocated"));
                }

                continue;
            }

            if (FreePort() is { } free)
            {
                allocation.TakePort(free);
                kept.Add(free);
                port.NodePort = free;
            }
            else
            {
                errors.Add(FieldError.Invalid(path, null, $"failed to allocate a nodePort: range is full ({network.NodePorts})"));
            }
        }

        if (old is not null)
        {
            allocation.FreeOnCommit(old, keepAddress: service.Spec.ClusterIP, keepPorts: kept);
        }
    }

    private void Locked(Action change)
    {
        _gate.Wait();
        try
        {
            change();
        }
        finally
        {
            _gate.Release();
        }
    }

    private long? FreeAddress()
    {
        var size = network.ClusterIps.Size;
        var dynamicFirst = Math.Min(StaticBand, size - 2);
        return FirstFree(dynamicFirst, size - 2, o => !_addresses!.Contains(o)) ?? FirstFree(1, size - 2, o => !_addresses!.Contains(o));
    }

    private int? FreePort() =>
        (int?)FirstFree(network.NodePorts.First, network.NodePorts.Last, p => !_ports!.Contains((int)p));

    // Starts at a random place so two Services created together do not race for the same value.
    private static long? FirstFree(long first, long last, Func<long, bool> free)
    {
        var count = last - first + 1;
        if (count <= 0)
        {
            return null;
        }

        var start = Random.Shared.NextInt64(count);
        for (long i = 0; i < count; i++)
        {
            var candidate = first + ((start + i) % count);
            if (free(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_addresses is not null)
        {
            return;
        }

        var addresses = new HashSet<long>();
        var ports = new HashSet<int>();
        foreach (var node in (await store.ListAsync(KindRegistry.Service, null, cancellationToken)).Items)
        {
            var service = KubeJson.ToTyped<V1Service>(node);
            if (HasClusterIp(service) && IPAddress.TryParse(service.Spec.ClusterIP, out var address) && network.ClusterIps.Contains(address))
            {
                addresses.Add(network.ClusterIps.OffsetOf(address));
            }

            foreach (var port in HasNodePorts(service) ? service.Spec.Ports ?? [] : [])
            {
                if (port.NodePort is { } nodePort)
                {
                    ports.Add(nodePort);
                }
            }
        }

        _addresses = addresses;
        _ports = ports;
    }

    /// <summary>What one write took and what it gives back; undone on dispose unless committed.</summary>
    public sealed class Allocation(ServiceAllocator owner) : IDisposable
    {
        private readonly List<long> _takenAddresses = [];
        private readonly List<int> _takenPorts = [];
        private readonly List<long> _freedAddresses = [];
        private readonly List<int> _freedPorts = [];
        private bool _committed;

        internal bool TakeAddress(long offset)
        {
            if (!owner._addresses!.Add(offset))
            {
                return false;
            }

            _takenAddresses.Add(offset);
            return true;
        }

        internal bool TakePort(int port)
        {
            if (!owner._ports!.Add(port))
            {
                return false;
            }

            _takenPorts.Add(port);
            return true;
        }

        internal void FreeOnCommit(V1Service old, string? keepAddress = null, IReadOnlySet<int>? keepPorts = null)
        {
            var range = owner.Network.ClusterIps;
            if (HasClusterIp(old) && old.Spec.ClusterIP != keepAddress && IPAddress.TryParse(old.Spec.ClusterIP, out var address) && range.Contains(address))
            {
                _freedAddresses.Add(range.OffsetOf(address));
            }

            foreach (var port in HasNodePorts(old) ? old.Spec.Ports ?? [] : [])
            {
                if (port.NodePort is { } nodePort && keepPorts?.Contains(nodePort) != true)
                {
                    _freedPorts.Add(nodePort);
                }
            }
        }

        /// <summary>The write happened: keep what was taken, free what was given back.</summary>
        public void Commit()
        {
            owner.Locked(() =>
            {
                owner._addresses?.ExceptWith(_freedAddresses);
                owner._ports?.ExceptWith(_freedPorts);
            });

            _committed = true;
        }

        public void Dispose()
        {
            if (!_committed)
            {
                owner.Locked(Undo);
            }
        }

        // Gives back what was taken; the caller holds the gate.
        internal void Undo()
        {
            _committed = true;
            owner._addresses?.ExceptWith(_takenAddresses);
            owner._ports?.ExceptWith(_takenPorts);
        }
    }
}
