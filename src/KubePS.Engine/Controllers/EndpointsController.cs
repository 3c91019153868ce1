using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Keeps each selector Service's Endpoints object (same name) listing the addresses of the pods it
/// selects: ready ones in <c>addresses</c>, the rest in <c>notReadyAddresses</c>, grouped into
/// subsets by their resolved ports. Services without a selector keep the Endpoints written for them.
/// </summary>
public sealed class EndpointsController : Controller
{
    private readonly ObjectService _objects;
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Endpoints> _endpoints;
    private readonly Informer<V1Pod> _pods;

    public EndpointsController(ObjectService objects, SharedInformers informers, TimeProvider clock, ILogger<EndpointsController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _services = informers.For<V1Service>(KindRegistry.Service);
        _endpoints = informers.For<V1Endpoints>(KindRegistry.Endpoints);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _services.AddHandler(EnqueueKeys<V1Service>((old, service) => [Informer<V1Service>.KeyOf((service ?? old)!.Metadata)]));
        _endpoints.AddHandler(EnqueueKeys<V1Endpoints>((old, endpoints) => [Informer<V1Endpoints>.KeyOf((endpoints ?? old)!.Metadata)]));
        _pods.AddHandler(EnqueueKeys<V1Pod>((old, pod) => ServiceBackends.ServicesSelecting(_services, old, pod)));
    }

    protected override IEnumerable<IInformer> Informers => [_services, _endpoints, _pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var service = _services.Get(key);
        var existing = _endpoints.Get(key);
        if (service is null)
        {
            // Endpoints of a Service that is gone go with it, unless they were never the controller's (no Service ever had a selector).
            if (existing is not null && existing.Metadata.Labels?.ContainsKey(ManagedLabel) == true)
            {
                await DeleteAsync(existing, cancellationToken);
            }

            return null;
        }

        if (!ServiceBackends.HasSelector(service) || service.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var wanted = new V1Endpoints
        {
            Metadata = new V1ObjectMeta
            {
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = LabelsFor(service),
            },
            Subsets = SubsetsFor(service),
        };
        if (existing is null)
        {
            await _objects.CreateAsync(_endpoints, wanted, cancellationToken);
        }
        else if (!KubeJson.Same(existing.Subsets, wanted.Subsets) || !KubeJson.Same(existing.Metadata.Labels, wanted.Metadata.Labels))
        {
            var changed = Informer<V1Endpoints>.Copy(existing);
            changed.Subsets = wanted.Subsets;
            changed.Metadata.Labels = wanted.Metadata.Labels;
            await _objects.UpdateAsync(_endpoints, changed, cancellationToken);
        }

        return null;
    }

    // Marks Endpoints this controller wrote, so a Service's deletion removes only those.
    private const string ManagedLabel = "endpoints.kubeps.io/managed";

    private static Dictionary<string, string> LabelsFor(V1Service service)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>()) { [ManagedLabel] = "true" };
        if (service.Spec.ClusterIP == "None")
        {
            labels["service.kubernetes.io/headless"] = "";
        }

        return labels;
    }

    private List<V1EndpointSubset>? SubsetsFor(V1Service service)
    {
        var subsets = ServiceBackends.Of(service, _pods.InNamespace(service.Metadata.NamespaceProperty))
            .Where(b => !b.Terminating && b.Ports.Count > 0)
            .GroupBy(b => b.PortsKey)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(group => new V1EndpointSubset
            {
                Addresses = NullIfEmpty(group.Where(b => b.Ready).Select(b => AddressOf(service, b))),
                NotReadyAddresses = NullIfEmpty(group.Where(b => !b.Ready).Select(b => AddressOf(service, b))),
                Ports = group.First().Ports.Select(p => new Corev1EndpointPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol }).ToList(),
            })
            .ToList();
        return subsets.Count > 0 ? subsets : null;
    }

    private static V1EndpointAddress AddressOf(V1Service service, ServiceBackend backend) => new()
    {
        Ip = backend.Ip,
        Hostname = backend.Hostname(service),
        NodeName = backend.Pod.Spec.NodeName,
        TargetRef = backend.TargetRef,
    };

    private static List<T>? NullIfEmpty<T>(IEnumerable<T> items) => items.ToList() is { Count: > 0 } list ? list : null;

    private async Task DeleteAsync(V1Endpoints endpoints, CancellationToken cancellationToken)
    {
        try
        {
            var removed = await _objects.RemoveAsync(KindRegistry.Endpoints, endpoints.Metadata.NamespaceProperty, endpoints.Metadata.Name, null, cancellationToken);
            _endpoints.AssumeDeleted(KubeJson.ToTyped<V1Endpoints>(removed.Object));
        }
        catch (ApiException e) when (e.Reason == "NotFound")
        {
        }
    }
}
