using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Node;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Proxy;

/// <summary>The cluster's Services and Endpoints as this node last heard them: what the proxy and the DNS serve from.</summary>
public sealed class ServiceState
{
    private readonly WatchedCache<V1Service> _services;
    private readonly WatchedCache<V1Endpoints> _endpoints;
    private readonly SemaphoreSlim _changed = new(0, 1);

    public ServiceState(IKubernetes api, ILogger<ServiceState> logger)
    {
        _services = new WatchedCache<V1Service>(
            async ct => await api.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct) is var l ? (l.Items, l.Metadata.ResourceVersion) : default,
            (rv, ct) => api.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct),
            Signal, logger);
        _endpoints = new WatchedCache<V1Endpoints>(
            async ct => await api.CoreV1.ListEndpointsForAllNamespacesAsync(cancellationToken: ct) is var l ? (l.Items, l.Metadata.ResourceVersion) : default,
            (rv, ct) => api.CoreV1.WatchListEndpointsForAllNamespacesAsync(resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct),
            Signal, logger);
    }

    public bool Synced => _services.Synced && _endpoints.Synced;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_services.RunAsync(cancellationToken), _endpoints.RunAsync(cancellationToken));

    /// <summary>Waits for a change since the last wait, or <paramref name="timeout"/>.</summary>
    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _changed.WaitAsync(timeout, cancellationToken);

    public IReadOnlyList<V1Service> Services => _services.Snapshot();

    public IReadOnlyDictionary<string, V1Endpoints> EndpointsByService =>
        _endpoints.Snapshot().ToDictionary(e => WatchedCache<V1Endpoints>.KeyOf(e.Metadata));

    public V1Service? Service(string ns, string name) => _services.Get(ns, name);

    public V1Endpoints? Endpoints(string ns, string name) => _endpoints.Get(ns, name);

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A change is already pending: one wake-up covers both.
        }
    }
}
