using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Kubernetes' garbage collector: dependents whose owners are all gone are deleted; an owner
/// deleted in the foreground waits for its dependents; an orphaning delete strips the owner
/// references from its dependents first.
/// </summary>
public sealed class GarbageCollector(ObjectService objects, ILogger<GarbageCollector> logger) : BackgroundService
{
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(2);

    private sealed record Item(KindInfo Kind, JsonObject Object, V1ObjectMeta Meta);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var from = objects.Store.CurrentResourceVersion;
        var watches = KindRegistry.All.Select(k => objects.Store.Watch(k, null, from)).ToList();
        try
        {
            do
            {
                try
                {
                    await CollectAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Garbage collection pass failed; retrying");
                }
            }
            while (await ChangeSignal.WaitAsync(watches, ResyncInterval, stoppingToken));
        }
        finally
        {
            watches.ForEach(w => w.Dispose());
        }
    }

    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        var items = new List<Item>();
        foreach (var kind in KindRegistry.All)
        {
            var list = await objects.ListAsync(kind, null, LabelSelector.Everything, FieldSelector.Everything, cancellationToken);
            items.AddRange(list.Items.Select(o => new Item(kind, o, KubeJson.MetadataOf(o))));
        }

        var dependents = items
            .SelectMany(i => (i.Meta.OwnerReferences ?? []).Select(r => (Owner: r.Uid, Dependent: i)))
            .ToLookup(p => p.Owner, p => p.Dependent);

        foreach (var owner in items.Where(i => i.Meta.DeletionTimestamp is not null && i.Meta.Finalizers is { Count: > 0 }))
        {
            if (owner.Meta.Finalizers.Contains(GarbageCollection.OrphanFinalizer))
            {
                await OrphanAsync(owner, dependents[owner.Meta.Uid], cancellationToken);
            }
            else if (owner.Meta.Finalizers.Contains(GarbageCollection.ForegroundFinalizer))
            {
                await DeleteInForegroundAsync(owner, dependents[owner.Meta.Uid].ToList(), cancellationToken);
            }
        }

        foreach (var dependent in items.Where(i => i.Meta.OwnerReferences is { Count: > 0 } && i.Meta.DeletionTimestamp is null))
        {
            if (await AllOwnersGoneAsync(dependent, cancellationToken))
            {
                logger.LogInformation("Deleting {Kind} {Namespace}/{Name}: its owners are gone", dependent.Kind.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name);
                await TryAsync(() => objects.DeleteAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, null, false, cancellationToken));
            }
        }
    }

    private async Task OrphanAsync(Item owner, IEnumerable<Item> dependents, CancellationToken cancellationToken)
    {
        foreach (var dependent in dependents)
        {
            var updated = (JsonObject)dependent.Object.DeepClone();
            var kept = (dependent.Meta.OwnerReferences ?? []).Where(r => r.Uid != owner.Meta.Uid).ToList();
            updated["metadata"]!["ownerReferences"] = kept.Count == 0 ? null : KubeJson.ToNode(new V1ObjectMeta { OwnerReferences = kept })["ownerReferences"]!.DeepClone();
            await TryAsync(() => objects.UpdateAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, updated, null, false, cancellationToken));
        }

        await RemoveFinalizerAsync(owner, GarbageCollection.OrphanFinalizer, cancellationToken);
    }

    private async Task DeleteInForegroundAsync(Item owner, List<Item> dependents, CancellationToken cancellationToken)
    {
        if (dependents.Count == 0)
        {
            await RemoveFinalizerAsync(owner, GarbageCollection.ForegroundFinalizer, cancellationToken);
            return;
        }

        foreach (var dependent in dependents.Where(d => d.Meta.DeletionTimestamp is null))
        {
            var options = new V1DeleteOptions { PropagationPolicy = "Foreground" };
            await TryAsync(() => objects.DeleteAsync(dependent.Kind, dependent.Meta.NamespaceProperty, dependent.Meta.Name, options, false, cancellationToken));
        }
    }

    // Checked against the live objects, not this pass's snapshot: an owner created after the pass listed its
    // kind must not count as gone, nor an owner reference this pass already removed (an orphaning delete).
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
        await TryAsync(() => objects.UpdateAsync(owner.Kind, owner.Meta.NamespaceProperty, owner.Meta.Name, updated, null, false, cancellationToken));
    }

    // Conflicts and disappearances are normal under concurrent writers; the next pass sees the new state.
    private static async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }
}
