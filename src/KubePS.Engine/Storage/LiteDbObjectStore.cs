using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using LiteDB;

namespace KubePS.Engine.Storage;

/// <summary>
/// The store on one LiteDB file. One lock orders every write, so the resourceVersion counter,
/// the file and the watch cache always agree; a write returns only after LiteDB committed it.
/// </summary>
public sealed class LiteDbObjectStore : IObjectStore
{
    private const string CounterId = "resourceVersion";
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _objects;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly WatchCache _cache;
    private readonly Lock _sync = new();
    private long _resourceVersion;

    public LiteDbObjectStore(string path, int watchCacheSize = 10_000)
    {
        _db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        _objects = _db.GetCollection("objects");
        _objects.EnsureIndex("kind");
        _meta = _db.GetCollection("meta");
        _resourceVersion = _meta.FindById(CounterId)?["value"].AsInt64 ?? 0;
        _cache = new WatchCache(watchCacheSize, _resourceVersion);
    }

    public long CurrentResourceVersion
    {
        get
        {
            lock (_sync)
            {
                return _resourceVersion;
            }
        }
    }

    public Task<JsonObject> CreateAsync(KindInfo kind, JsonObject obj, CancellationToken cancellationToken)
    {
        var (ns, name) = NameOf(obj);
        lock (_sync)
        {
            var id = Key(kind, ns, name);
            if (_objects.FindById(id) is not null)
            {
                throw new StoreAlreadyExistsException($"{kind.QualifiedResource} \"{name}\" already exists");
            }

            return Task.FromResult(Commit(StoreEventType.Added, kind, ns, id, obj));
        }
    }

    public Task<JsonObject?> GetAsync(KindInfo kind, string? ns, string name, CancellationToken cancellationToken)
    {
        var document = _objects.FindById(Key(kind, ns, name));
        return Task.FromResult(document is null ? null : Parse(document));
    }

    public Task<JsonObject> UpdateAsync(KindInfo kind, JsonObject obj, long? expectedResourceVersion, CancellationToken cancellationToken)
    {
        var (ns, name) = NameOf(obj);
        lock (_sync)
        {
            var id = Key(kind, ns, name);
            var current = _objects.FindById(id) ?? throw new StoreNotFoundException($"{kind.QualifiedResource} \"{name}\" not found");
            CheckPrecondition(kind, name, current, expectedResourceVersion);
            return Task.FromResult(Commit(StoreEventType.Modified, kind, ns, id, obj));
        }
    }

    public Task<JsonObject> DeleteAsync(KindInfo kind, string? ns, string name, long? expectedResourceVersion, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var id = Key(kind, ns, name);
            var current = _objects.FindById(id) ?? throw new StoreNotFoundException($"{kind.QualifiedResource} \"{name}\" not found");
            CheckPrecondition(kind, name, current, expectedResourceVersion);
            return Task.FromResult(Commit(StoreEventType.Deleted, kind, ns, id, Parse(current)));
        }
    }

    public Task<StoreList> ListAsync(KindInfo kind, string? ns, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(new StoreList(_resourceVersion, Scan(kind, ns)));
        }
    }

    public StoreWatch Watch(KindInfo kind, string? ns, long? fromResourceVersion)
    {
        var watch = new StoreWatch(KindKey(kind), ns, Unsubscribe);
        lock (_sync)
        {
            if (fromResourceVersion is null)
            {
                foreach (var item in Scan(kind, ns))
                {
                    watch.Deliver(new StoreEvent(StoreEventType.Added, watch.KindKey, ns, ResourceVersionOf(item), item));
                }
            }

            _cache.Subscribe(watch, fromResourceVersion);
        }

        return watch;
    }

    public void Dispose() => _db.Dispose();

    internal static string KindKey(KindInfo kind) => kind.QualifiedResource;

    private void Unsubscribe(StoreWatch watch)
    {
        lock (_sync)
        {
            _cache.Unsubscribe(watch);
        }
    }

    // Called under _sync: one LiteDB transaction moves the counter and the object together.
    private JsonObject Commit(StoreEventType type, KindInfo kind, string? ns, string id, JsonObject obj)
    {
        var next = _resourceVersion + 1;
        obj = (JsonObject)obj.DeepClone();
        ((JsonObject)obj["metadata"]!)["resourceVersion"] = next.ToString();

        _db.BeginTrans();
        try
        {
            _meta.Upsert(new BsonDocument { ["_id"] = CounterId, ["value"] = next });
            if (type == StoreEventType.Deleted)
            {
                _objects.Delete(id);
            }
            else
            {
                _objects.Upsert(new BsonDocument
                {
                    ["_id"] = id,
                    ["kind"] = KindKey(kind),
                    ["ns"] = ns ?? "",
                    ["data"] = obj.ToJsonString(),
                });
            }

            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }

        _resourceVersion = next;
        _cache.Append(new StoreEvent(type, KindKey(kind), ns, next, obj));
        return (JsonObject)obj.DeepClone();
    }

    private List<JsonObject> Scan(KindInfo kind, string? ns)
    {
        var key = KindKey(kind);
        var documents = ns is null
            ? _objects.Find(Query.EQ("kind", key))
            : _objects.Find(Query.And(Query.EQ("kind", key), Query.EQ("ns", ns)));
        return documents.Select(Parse).OrderBy(o => o["metadata"]?["namespace"]?.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(o => o["metadata"]?["name"]?.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
    }

    private static void CheckPrecondition(KindInfo kind, string name, BsonDocument current, long? expected)
    {
        if (expected is { } rv && ResourceVersionOf(Parse(current)) != rv)
        {
            throw new StoreConflictException(
                $"Operation cannot be fulfilled on {kind.QualifiedResource} \"{name}\": the object has been modified; "
                + "please apply your changes to the latest version and try again");
        }
    }

    private static JsonObject Parse(BsonDocument document) => JsonNode.Parse(document["data"].AsString)!.AsObject();

    private static long ResourceVersionOf(JsonObject obj) =>
        long.TryParse(obj["metadata"]?["resourceVersion"]?.GetValue<string>(), out var rv) ? rv : 0;

    private static (string? Namespace, string Name) NameOf(JsonObject obj)
    {
        var metadata = obj["metadata"] ?? throw new ArgumentException("object has no metadata");
        var ns = metadata["namespace"]?.GetValue<string>();
        return (string.IsNullOrEmpty(ns) ? null : ns, metadata["name"]!.GetValue<string>());
    }

    private static string Key(KindInfo kind, string? ns, string name) => $"{KindKey(kind)}/{ns}/{name}";
}
