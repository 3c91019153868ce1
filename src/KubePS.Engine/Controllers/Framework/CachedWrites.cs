using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// A controller's writes: through the registry like any client's, then assumed into the informer
/// so the controller's next reconcile starts from what it just wrote.
/// </summary>
public static class CachedWrites
{
    public static async Task<T> CreateAsync<T>(this ObjectService objects, Informer<T> informer, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var created = KubeJson.ToTyped<T>(await objects.CreateAsync(informer.Kind, obj.Metadata.NamespaceProperty, KubeJson.ToNode(obj), dryRun: false, cancellationToken));
        informer.Assume(created);
        return created;
    }

    /// <summary>Replaces the object (a changed copy of a cached one, carrying its resourceVersion, so a lost race is a 409).</summary>
    public static async Task<T> UpdateAsync<T>(this ObjectService objects, Informer<T> informer, T changed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var written = KubeJson.ToTyped<T>(await objects.UpdateAsync(
            informer.Kind, changed.Metadata.NamespaceProperty, changed.Metadata.Name, KubeJson.ToNode(changed), subresource: null, dryRun: false, cancellationToken));
        informer.Assume(written);
        return written;
    }

    /// <summary>Writes <paramref name="status"/> through the status subresource, unless the cached object already has it.</summary>
    public static async Task UpdateStatusAsync<T>(this ObjectService objects, Informer<T> informer, T cached, object status, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var node = KubeJson.ToNode(cached);
        var wanted = KubeJson.ToNode(status);
        if (JsonNode.DeepEquals(node["status"], wanted))
        {
            return;
        }

        node["status"] = wanted;
        var written = await objects.UpdateAsync(informer.Kind, cached.Metadata.NamespaceProperty, cached.Metadata.Name, node, "status", dryRun: false, cancellationToken);
        informer.Assume(KubeJson.ToTyped<T>(written));
    }
}
