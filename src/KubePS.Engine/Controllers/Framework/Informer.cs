using System.Text.Json;
using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>What every informer offers whatever its kind: running it and knowing when its cache is filled.</summary>
public interface IInformer
{
    KindInfo Kind { get; }

    Task Synced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>What a controller registers with an informer: called after each change reaches the cache.</summary>
public delegate void InformerHandler<in T>(T? oldObject, T? newObject);

/// <summary>
/// List, then watch, one kind into an in-memory cache with indexes, as client-go's shared informer
/// does. Objects in the cache are shared by every controller and must not be changed; change a
/// copy (<see cref="Copy"/>). A controller that has just written an object may
/// <see cref="Assume"/> the result so its next reconcile sees its own write even before the watch
/// delivers it: that, not a wait, is what keeps a replica controller from creating a pod twice.
/// </summary>
public sealed class Informer<T>(KindInfo kind, IObjectStore store, ILogger logger) : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const string NamespaceIndex = "namespace";
    private const string ControllerIndex = "controller";

    private readonly object _gate = new();
    private readonly Dictionary<string, T> _items = [];
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexers = new()
    {
        [NamespaceIndex] = o => [o.Metadata.NamespaceProperty ?? ""],
        [ControllerIndex] = o => Ownership.ControllerOf(o.Metadata) is { } owner ? [owner.Uid] : [],
    };

    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _indexes = new() { [NamespaceIndex] = [], [ControllerIndex] = [] };
    private readonly Dictionary<string, long> _assumedDeletions = [];
    private readonly List<InformerHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _processed;

    public KindInfo Kind => kind;

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The cache key of an object: <c>namespace/name</c>, or the name of a cluster-scoped one.</summary>
    public static string KeyOf(V1ObjectMeta meta) => meta.NamespaceProperty is { Length: > 0 } ns ? $"{ns}/{meta.Name}" : meta.Name;

    public static (string? Namespace, string Name) SplitKey(string key) =>
        key.IndexOf('/') is var slash and >= 0 ? (key[..slash], key[(slash + 1)..]) : (null, key);

    /// <summary>A deep copy of a cached object, free to change.</summary>
    public static T Copy(T obj) => KubeJson.Clone(obj);

    /// <summary>Registers a handler; objects already cached are replayed to it as additions.</summary>
    public void AddHandler(InformerHandler<T> handler)
    {
        List<T> existing;
        lock (_gate)
        {
            _handlers.Add(handler);
            existing = [.. _items.Values];
        }

        existing.ForEach(item => handler(null, item));
    }

    public T? Get(string key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? ns, string name) => Get(ns is { Length: > 0 } ? $"{ns}/{name}" : name);

    public List<T> List()
    {
        lock (_gate)
        {
            return [.. _items.Values];
        }
    }

    private List<T> ByIndex(string index, string value)
    {
        lock (_gate)
        {
            return _indexes[index].TryGetValue(value, out var keys) ? keys.Select(k => _items[k]).ToList() : [];
        }
    }

    public List<T> InNamespace(string ns) => ByIndex(NamespaceIndex, ns);

    /// <summary>The objects whose controller reference names <paramref name="ownerUid"/>.</summary>
    public List<T> ControlledBy(string ownerUid) => ByIndex(ControllerIndex, ownerUid);

    /// <summary>Puts an object this process has just written into the cache, unless the watch has already brought something as new.</summary>
    public void Assume(T written)
    {
        lock (_gate)
        {
            var key = KeyOf(written.Metadata);
            var version = VersionOf(written);
            if (_assumedDeletions.ContainsKey(key) || _items.GetValueOrDefault(key) is { } cached && VersionOf(cached) >= version)
            {
                return;
            }

            if (!_items.ContainsKey(key) && version <= _processed)
            {
                return;
            }

            Put(key, written);
        }
    }

    /// <summary>Drops an object this process has just removed from the store, at the deletion's resourceVersion.</summary>
    public void AssumeDeleted(T removed)
    {
        lock (_gate)
        {
            var key = KeyOf(removed.Metadata);
            var version = VersionOf(removed);
            if (version <= _processed)
            {
                return;
            }

            _assumedDeletions[key] = version;
            Remove(key);
        }
    }

    /// <summary>Lists, then follows the watch until cancelled, listing again if the watch ever falls behind the store's history.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await store.ListAsync(kind, null, cancellationToken);
                using var watch = store.Watch(kind, null, list.ResourceVersion);
                Replace(list);
                _synced.TrySetResult();
                await foreach (var e in watch.Events.ReadAllAsync(cancellationToken))
                {
                    Apply(e);
                }
            }
            catch (StoreExpiredException e)
            {
                logger.LogWarning("Informer for {Kind} fell behind ({Message}); listing again", kind.Kind, e.Message);
            }
        }
    }

    private void Replace(StoreList list)
    {
        var fresh = list.Items.Select(KubeJson.ToTyped<T>).ToDictionary(o => KeyOf(o.Metadata));
        var changes = new List<(T? Old, T? New)>();
        lock (_gate)
        {
            foreach (var (key, old) in _items.Where(p => !fresh.ContainsKey(p.Key)).ToList())
            {
                Remove(key);
                changes.Add((old, null));
            }

            foreach (var (key, item) in fresh)
            {
                changes.Add((_items.GetValueOrDefault(key), item));
                Put(key, item);
            }

            _assumedDeletions.Clear();
            _processed = list.ResourceVersion;
        }

        Notify(changes);
    }

    private void Apply(StoreEvent e)
    {
        var item = JsonSerializer.Deserialize<T>(e.Json.Span, KubeJson.Options)!;
        var key = KeyOf(item.Metadata);
        T? old;
        lock (_gate)
        {
            _processed = e.ResourceVersion;
            old = _items.GetValueOrDefault(key);
            if (e.Type == StoreEventType.Deleted)
            {
                // Handlers hear of every deletion, also of one this process assumed already.
                _assumedDeletions.Remove(key);
                Remove(key);
                (old, item) = (old ?? item, default);
            }
            else if (_assumedDeletions.TryGetValue(key, out var deletedAt) && e.ResourceVersion < deletedAt
                || old is not null && VersionOf(old) > e.ResourceVersion)
            {
                // Older than what this process already wrote and assumed; the cache keeps the newer
                // state, and handlers hear of it when its own event arrives.
                return;
            }
            else
            {
                Put(key, item);
            }
        }

        Notify([(old, item)]);
    }

    private void Notify(List<(T? Old, T? New)> changes)
    {
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            handlers = [.. _handlers];
        }

        foreach (var (old, item) in changes)
        {
            foreach (var handler in handlers)
            {
                handler(old, item);
            }
        }
    }

    private static long VersionOf(T obj) => long.TryParse(obj.Metadata.ResourceVersion, out var v) ? v : 0;

    private void Put(string key, T item)
    {
        Remove(key);
        _items[key] = item;
        Index(key, item);
    }

    private void Remove(string key)
    {
        if (!_items.Remove(key, out var old))
        {
            return;
        }

        foreach (var (name, indexer) in _indexers)
        {
            foreach (var value in indexer(old))
            {
                if (_indexes[name].TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    _indexes[name].Remove(value);
                }
            }
        }
    }

    private void Index(string key, T item)
    {
        foreach (var (name, indexer) in _indexers)
        {
            foreach (var value in indexer(item))
            {
                if (!_indexes[name].TryGetValue(value, out var keys))
                {
                    _indexes[name][value] = keys = [];
                }

                keys.Add(key);
            }
        }
    }
}
