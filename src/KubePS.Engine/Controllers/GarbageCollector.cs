using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Kubernetes' garbage collector: dependents whose owners are all gone are deleted; an owner
/// deleted in the foreground waits for its dependents; an orphaning delete strips the owner
/// references from its dependents first. It keeps the ownership graph in memory from watches on
/// every kind and looks only at the objects an event touches, never re-listing the cluster.
/// </summary>
public sealed class GarbageCollector(ObjectService objects, ILogger<GarbageCollector> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Item> _byUid = [];
    private readonly Dictionary<string, HashSet<string>> _dependentsByOwner = [];

    private sealed record Item(KindInfo Kind, JsonObject Object, V1ObjectMeta Meta)
    {
        public IEnumerable<string> OwnerUids => (Meta.OwnerReferences ?? []).Select(r => r.Uid);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Watching from no resourceVersion: each watch starts with its kind's current objects.
        var watches = KindRegistry.All.Select(k => objects.Store.Watch(k, null, null)).ToList();
        var pending = new HashSet<string>();
        try
        {
            do
            {
                foreach (var (kind, watch) in KindRegistry.All.Zip(watches))
                {
                    while (watch.Events.TryRead(out var e))
                    {
                        Observe(kind, e, pending);
                    }
                }

                var retry = new HashSet<string>();
                foreach (var uid in pending)
                {
                    try
                    {
                        if (await ProcessAsync(uid, stoppingToken))
                        {
                            retry.Add(uid);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Garbage collection of {Uid} failed; retrying", uid);
                        retry.Add(uid);
                    }
                }

                pending = retry;
            }
            while (await WaitAsync(watches, pending.Count > 0 ? RetryInterval : Timeout.InfiniteTimeSpan, stoppingToken));
        }
        finally
        {
            watches.ForEach(w => w.Dispose());
        }
    }

    private static async Task<bool> WaitAsync(List<StoreWatch> watches, TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wake.CancelAfter(timeout);
        try
        {
            await Task.WhenAny(watches.Select(w => w.Events.WaitToReadAsync(wake.Token).AsTask()));
        }
        catch (OperationCanceledException)
        {
        }

        return !stoppingToken.IsCancellationRequested;
    }

    // Updates the graph and marks what the change may concern: the object itself, and on a
    // deletion its dependents (maybe orphaned now) and owners (maybe waiting for it in the foreground).
    private void Observe(KindInfo kind, StoreEvent e, HashSet<string> pending)
    {
        var meta = KubeJson.MetadataOf(e.Object);
        if (_byUid.Remove(meta.Uid, out var previous))
        {
            foreach (var owner in previous.OwnerUids)
            {
                _dependentsByOwner.GetValueOrDefault(owner)?.Remove(meta.Uid);
            }
        }

        var item = new Item(kind, e.Object, meta);
        if (e.Type == StoreEventType.Deleted)
        {
            pending.UnionWith(DependentsOf(meta.Uid).Select(d => d.Meta.Uid));
            pending.UnionWith(item.OwnerUids);
            _dependentsByOwner.Remove(meta.Uid);
            return;
        }

        _byUid[meta.Uid] = item;
        foreach (var owner in item.OwnerUids)
        {
            if (!_dependentsByOwner.TryGetValue(owner, out var dependents))
            {
                _dependentsByOwner[owner] = dependents = [];
            }

            dependents.Add(meta.Uid);
        }

        if (item.OwnerUids.Any() || meta.DeletionTimestamp is not null)
        {
            pending.Add(meta.Uid);
        }
    }

    private List<Item> DependentsOf(string uid) =>
        _dependentsByOwner.TryGetValue(uid, out var dependents) ? dependents.Select(d => _byUid.GetValueOrDefault(d)).OfType<Item>().ToList() : [];

    /// <summary>Acts on one object; true when it must be looked at again later.</summary>
    private async Task<bool> ProcessAsync(string uid, CancellationToken cancellationToken)
    {
        if (!_byUid.TryGetValue(uid, out var item))
        {
            return false;
        }

        var finalizers = item.Meta.Finalizers ?? [];
        if (item.Meta.DeletionTimestamp is not null && finalizers.Contains(GarbageCollection.OrphanFinalizer))
        {
            await OrphanAsync(item, DependentsOf(uid), cancellationToken);
            return false;
        }

        if (item.Meta.DeletionTimestamp is not null && finalizers.Contains(GarbageCollection.ForegroundFinalizer))
        {
            return await DeleteInForegroundAsync(item, DependentsOf(uid), cancellationToken);
        }

        if (item.Meta.DeletionTimestamp is null && item.OwnerUids.Any() && !item.OwnerUids.Any(_byUid.ContainsKey)
            && await AllOwnersGoneAsync(item, cancellationToken))
        {
            logger.LogInformation("Deleting {Kind} {Namespace}/{Name}: its owners are gone", item.Kind.Kind, item.Meta.NamespaceProperty, item.Meta.Name);
            await ConcurrentWrites.TolerateRaceAsync(() => objects.DeleteAsync(item.Kind, item.Meta.NamespaceProperty, item.Meta.Name, null, false, cancellationToken));
        }

        return false;
    }

    private async Task OrphanAsync(Item owner, IEnumerable<Item> dependents, CancellationToken cancellationToken)
    {
        foreach (var dependent in dependents)
        {
            var updated = (JsonObject)dependent.Object.DeepClone();
            var kept = (dependent.Meta.OwnerReferences ?? []).Where(r => r.Uid != owner.Meta.Uid).ToList();
            updated["metadata"]!["ownerReferences"] = kept.Count == 0 ? null : KubeJson.ToNode(new V1ObjectMeta { OwnerReferences = kept })["ownerReferences"]!.DeepClone();
            await ConcurrentWrites.TolerateRaceAsync(() => objects.UpdateAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, updated, null, false, cancellationToken));
        }

        await RemoveFinalizerAsync(owner, GarbageCollection.OrphanFinalizer, cancellationToken);
    }

    // The owner goes once its dependents have; their deletions bring it back here.
    private async Task<bool> DeleteInForegroundAsync(Item owner, List<Item> dependents, CancellationToken cancellationToken)
    {
        if (dependents.Count == 0)
        {
            await RemoveFinalizerAsync(owner, GarbageCollection.ForegroundFinalizer, cancellationToken);
            return false;
        }

        foreach (var dependent in dependents.Where(d => d.Meta.DeletionTimestamp is null))
        {
            var options = new V1DeleteOptions { PropagationPolicy = "Foreground" };
            await ConcurrentWrites.TolerateRaceAsync(() => objects.DeleteAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, options, false, cancellationToken));
        }

        return false;
    }

    // Checked against the live objects, not the graph: an owner whose creation the graph has not
    // seen yet must not count as gone, nor an owner reference already removed (an orphaning delete).
    private async Task<bool> AllOwnersGoneAsync(Item dependent, CancellationToken cancellationToken)
    {
        var live = await objects.Store.GetAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, cancellationToken);
        var references = live is null ? null : KubeJson.MetadataOf(live).OwnerReferences;
        if (references is not { Count: > 0 })
        {
            return false;
        }

        foreach (var reference in references)
        {
            var kind = KindRegistry.All.FirstOrDefault(k => k.Kind == reference.Kind && (k.ApiVersion == reference.ApiVersion || reference.ApiVersion.StartsWith(k.Group + "/", StringComparison.Ordinal)));
            if (kind is null)
            {
                return false;
            }

            var owner = await objects.Store.GetAsync(kind, kind.Namespaced ? dependent.Meta.NamespaceProperty : null, reference.Name, cancellationToken);
            if (owner is not null && KubeJson.MetadataOf(owner).Uid == reference.Uid)
            {
                return false;
            }
        }

        return true;
    }

    private async Task RemoveFinalizerAsync(Item owner, string finalizer, CancellationToken cancellationToken)
    {
        var updated = (JsonObject)owner.Object.DeepClone();
        updated["metadata"]!["finalizers"] = new JsonArray(owner.Meta.Finalizers.Where(f => f != finalizer).Select(f => (JsonNode?)f).ToArray());
        await ConcurrentWrites.TolerateRaceAsync(() => objects.UpdateAsync(owner.Kind, owner.Meta.NamespaceProperty, owner.Meta.Name, updated, null, false, cancellationToken));
    }
}
