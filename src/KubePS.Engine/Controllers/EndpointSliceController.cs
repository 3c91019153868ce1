using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Keeps each selector Service's EndpointSlices (discovery.k8s.io/v1): one slice per set of resolved
/// ports, at most 100 endpoints each, every endpoint with its ready, serving and terminating
/// conditions. Slices are owned by their Service, so the garbage collector removes them with it.
/// </summary>
public sealed class EndpointSliceController : Controller
{
    private const int MaxEndpointsPerSlice = 100;
    private static readonly KindInfo Kind = KindRegistry.Service;
    private readonly ObjectService _objects;
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1EndpointSlice> _slices;
    private readonly Informer<V1Pod> _pods;

    public EndpointSliceController(ObjectService objects, SharedInformers informers, TimeProvider clock, ILogger<EndpointSliceController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _services = informers.For<V1Service>(Kind);
        _slices = informers.For<V1EndpointSlice>(KindRegistry.EndpointSlice);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _services.AddHandler(EnqueueItself<V1Service>());
        _slices.AddHandler(EnqueueControllerOf<V1EndpointSlice>(Kind));
        _pods.AddHandler(EnqueueKeys<V1Pod>((old, pod) => ServiceBackends.ServicesSelecting(_services, old, pod)));
    }

    protected override IEnumerable<IInformer> Informers => [_services, _slices, _pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_services.Get(key) is not { } service || !ServiceBackends.HasSelector(service) || service.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var existing = _slices.ControlledBy(service.Metadata.Uid)
            .Where(s => s.Metadata.Labels is { } labels
                && labels.TryGetValue(WellKnown.EndpointSliceManagedByLabel, out var manager) && manager == WellKnown.EndpointSliceControllerName)
            .OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var wanted in WantedSlices(service))
        {
            // Reuse a slice that already carries these ports, so a readiness change rewrites one slice in place.
            var reuse = existing.FirstOrDefault(s => KubeJson.Same(s.Ports, wanted.Ports)) ?? existing.FirstOrDefault();
            if (reuse is null)
            {
                await _objects.CreateAsync(_slices, wanted, cancellationToken);
                continue;
            }

            existing.Remove(reuse);
            if (!KubeJson.Same(reuse.Endpoints, wanted.Endpoints) || !KubeJson.Same(reuse.Ports, wanted.Ports)
                || !KubeJson.Same(reuse.Metadata.Labels, wanted.Metadata.Labels))
            {
                var changed = Informer<V1EndpointSlice>.Copy(reuse);
                changed.Endpoints = wanted.Endpoints;
                changed.Ports = wanted.Ports;
                changed.Metadata.Labels = wanted.Metadata.Labels;
                await _objects.UpdateAsync(_slices, changed, cancellationToken);
            }
        }

        foreach (V1EndpointSlice extra in existing)
        {
            var removed = await _objects.RemoveAsync(KindRegistry.EndpointSlice, extra.Metadata.NamespaceProperty, extra.Metadata.Name, null, cancellationToken);
            _slices.AssumeDeleted(KubeJson.ToTyped<V1EndpointSlice>(removed.Object));
        }

        return null;
    }

    private IEnumerable<V1EndpointSlice> WantedSlices(V1Service service)
    {
        var groups = ServiceBackends.Of(service, _pods.InNamespace(service.Metadata.NamespaceProperty))
            .Where(b => b.Ports.Count > 0)
            .GroupBy(b => b.PortsKey)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(group => group.Chunk(MaxEndpointsPerSlice))
            .ToList();
        if (groups.Count == 0)
        {
            // A Service with no endpoints still has one empty slice, as in Kubernetes.
            yield return SliceFor(service, [], null);
            yield break;
        }

        foreach (var chunk in groups)
        {
            var ports = chunk[0].Ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name ?? "", Port = p.Port, Protocol = p.Protocol }).ToList();
            yield return SliceFor(service, chunk, ports);
        }
    }

    private static V1EndpointSlice SliceFor(V1Service service, IEnumerable<ServiceBackend> backends, List<Discoveryv1EndpointPort>? ports)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>())
        {
            [WellKnown.ServiceNameLabel] = service.Metadata.Name,
            [WellKnown.EndpointSliceManagedByLabel] = WellKnown.EndpointSliceControllerName,
        };
        return new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta
            {
                GenerateName = service.Metadata.Name + "-",
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences = [Ownership.ControllerReference(Kind, service.Metadata)],
            },
            AddressType = "IPv4",
            Ports = ports,
            Endpoints = backends.Select(b => new V1Endpoint
            {
                Addresses = [b.Ip],
                Conditions = new V1EndpointConditions { Ready = b.Ready, Serving = b.Serving, Terminating = b.Terminating },
                Hostname = b.Hostname(service),
                NodeName = b.Pod.Spec.NodeName,
                TargetRef = b.TargetRef,
            }).ToList(),
        };
    }
}
