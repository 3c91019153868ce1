using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>A pod's container and the node endpoint that serves it, for the subresources the engine relays (log, exec).</summary>
public sealed record PodOnNode(V1Pod Pod, string Container, string NodeName, string Address, int Port);

/// <summary>Finds where a pod runs: its container (the only one, or the one asked for) and its node's published endpoint.</summary>
public sealed class PodNodeLocator(ObjectService objects)
{
    public async Task<PodOnNode> LocateAsync(string ns, string name, string requestedContainer, string purpose, CancellationToken cancellationToken)
    {
        var pod = KubeJson.ToTyped<V1Pod>(await objects.GetAsync(KindRegistry.Pod, ns, name, cancellationToken));
        var container = ContainerOf(pod, requestedContainer);
        if (string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        var node = KubeJson.ToTyped<V1Node>(await objects.GetAsync(KindRegistry.Node, null, pod.Spec.NodeName, cancellationToken));
        var (address, port) = RequireEndpoint(node, purpose);
        return new PodOnNode(pod, container, node.Metadata.Name, address, port);
    }

    /// <summary>The node service's endpoint as its Node publishes it (InternalIP and the kubelet port), or null.</summary>
    public static (string Address, int Port)? EndpointOf(V1Node node) =>
        node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address is { } address
        && node.Status.DaemonEndpoints?.KubeletEndpoint?.Port is { } port and not 0
            ? (address, port)
            : null;

    /// <summary>The endpoint, or 503 saying the node publishes none for <paramref name="purpose"/>.</summary>
    public static (string Address, int Port) RequireEndpoint(V1Node node, string purpose) =>
        EndpointOf(node) ?? throw ApiException.ServiceUnavailable($"node {node.Metadata.Name} does not publish an endpoint for {purpose}");

    private static string ContainerOf(V1Pod pod, string requested)
    {
        var names = pod.Spec?.Containers?.Select(c => c.Name).ToList() ?? [];
        if (requested.Length == 0)
        {
            return names.Count == 1
                ? names[0]
                : throw ApiException.BadRequest(
                    $"a container name must be specified for pod {pod.Metadata.Name}, choose one of: [{string.Join(' ', names)}]");
        }

        return names.Contains(requested) || (pod.Spec?.InitContainers?.Any(c => c.Name == requested) ?? false)
            ? requested
            : throw ApiException.BadRequest($"container {requested} is not valid for pod {pod.Metadata.Name}");
    }
}
