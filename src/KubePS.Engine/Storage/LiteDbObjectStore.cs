using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubePS.Core.Kinds;
using LiteDB;

namespace KubePS.Engine.Storage;

/// <summary>
/// The store on one LiteDB file. Writes queue for one writer thread, which commits everything
/// queued meanwhile in one LiteDB transaction (group commit) and only then acknowledges each
/// write; so the resourceVersion counter, the file and the watch cache always agree, and many
/// concurrent writers share one flush instead of paying one each. Every object is also kept in
/// memory as its committed JSON text, as the API server's watch cache does, so reads and the
/// writer's checks never query the file; the file is read once, at open.
/// </summary>
public sealed class LiteDbObjectStore : IObjectStore
{
    private const string CounterId = "resourceVersion";
    private const int MaxBatch = 512;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _objects;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly WatchCache _cache;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Thread _writer;

    // The committed objects by kind, each kind's sorted by namespace and name as lists are.
    private readonly Dictionary<string, SortedDictionary<ObjectKey, Entry>> _committed = [];

    // Guards the committed state that readers pair up: the counter, the cache and list snapshots.
    private readonly Lock _sync = new();
    private long _resourceVersion;

    public LiteDbObjectStore(string path, int watchCacheSize = 10_000)
    {
        _db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        _objects = _db.GetCollection("objects");
        // Everything is read once, at open, so no secondary index is kept; each would cost every write.
        _objects.DropIndex("kind");
        _meta = _db.GetCollection("meta");
        _resourceVersion = _meta.FindById(CounterId)?["value"].AsInt64 ?? 0;
        foreach (var document in _objects.FindAll())
        {
            var json = document["data"].AsString;
            var key = KeyOf(document["_id"].AsString);
            ObjectsOf(document["kind"].AsString)[key] = new Entry(Encoding.UTF8.GetBytes(json), ResourceVersionOf(JsonNode.Parse(json)!.AsObject()));
        }

        _cache = new WatchCache(watchCacheSize, _resourceVersion);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "kubeps-store-writer" };
        _writer.Start();
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

    public Task<JsonObject> CreateAsync(KindInfo kind, JsonObject obj, CancellationToken cancellationToken) =>
        Enqueue(StoreEventType.Added, kind, obj, null);

    public Task<JsonObject?> GetAsync(KindInfo kind, string? ns, string name, CancellationToken cancellationToken)
    {
        Entry? entry;
        lock (_sync)
        {
            entry = ObjectsOf(KindKey(kind)).GetValueOrDefault(new ObjectKey(ns ?? "", name));
        }

        return Task.FromResult(entry is null ? null : Parse(entry.Json));
    }

    public Task<JsonObject> UpdateAsync(KindInfo kind, JsonObject obj, long? expectedResourceVersion, CancellationToken cancellationToken) =>
        Enqueue(StoreEventType.Modified, kind, obj, expectedResourceVersion);

    public Task<JsonObject> DeleteAsync(KindInfo kind, string? ns, string name, long? expectedResourceVersion, CancellationToken cancellationToken)
    {
        var target = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } };
        return Enqueue(StoreEventType.Deleted, kind, target, expectedResourceVersion);
    }

    public Task<StoreList> ListAsync(KindInfo kind, string? ns, CancellationToken cancellationToken)
    {
        long resourceVersion;
        List<Entry> entries;
        lock (_sync)
        {
            resourceVersion = _resourceVersion;
            entries = Scan(kind, ns);
        }

        return Task.FromResult(new StoreList(resourceVersion, entries.Select(e => Parse(e.Json)).ToList()));
    }

    public StoreWatch Watch(KindInfo kind, string? ns, long? fromResourceVersion)
    {
        var watch = new StoreWatch(KindKey(kind), ns, Unsubscribe);
        lock (_sync)
        {
            if (fromResourceVersion is null)
            {
                foreach (var entry in Scan(kind, ns))
                {
                    watch.Deliver(new StoreEvent(StoreEventType.Added, watch.KindKey, ns, entry.ResourceVersion, entry.Json));
                }
            }

            _cache.Subscribe(watch, fromResourceVersion);
        }

        return watch;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join();
        _db.Dispose();
    }

    internal static string KindKey(KindInfo kind) => kind.QualifiedResource;

    private Task<JsonObject> Enqueue(StoreEventType type, KindInfo kind, JsonObject obj, long? expectedResourceVersion)
    {
        var (ns, name) = NameOf(obj);
        var write = new PendingWrite(type, kind, ns, name, (JsonObject)obj.DeepClone(), expectedResourceVersion);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(LiteDbObjectStore));
        }

        return write.Done.Task;
    }

    private void Unsubscribe(StoreWatch watch)
    {
        lock (_sync)
        {
            _cache.Unsubscribe(watch);
        }
    }

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>(MaxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            CommitBatch(batch);
            batch.Clear();
        }
    }

    // One transaction for the whole batch. A write that fails its own checks (exists, missing,
    // stale) is refused alone before it touches the file; a failed commit refuses them all.
    private void CommitBatch(List<PendingWrite> batch)
    {
        var accepted = new List<(PendingWrite Write, StoreEvent Event)>(batch.Count);
        var staged = new Dictionary<(string Kind, ObjectKey Key), Entry?>();
        var next = _resourceVersion;
        _db.BeginTrans();
        try
        {
            foreach (var write in batch)
            {
                try
                {
                    accepted.Add((write, Apply(write, next + 1, staged)));
                    next++;
                }
                catch (StoreException e)
                {
                    write.Done.TrySetException(e);
                }
            }

            if (accepted.Count > 0)
            {
                _meta.Upsert(new BsonDocument { ["_id"] = CounterId, ["value"] = next });
            }

            lock (_sync)
            {
                _db.Commit();
                _resourceVersion = next;
                foreach (var ((kind, key), entry) in staged)
                {
                    if (entry is null)
                    {
                        ObjectsOf(kind).Remove(key);
                    }
                    else
                    {
                        ObjectsOf(kind)[key] = entry;
                    }
                }

                foreach (var (_, e) in accepted)
                {
                    _cache.Append(e);
                }
            }
        }
        catch (Exception e)
        {
            _db.Rollback();
            foreach (var (write, _) in accepted)
            {
                write.Done.TrySetException(e);
            }

            return;
        }

        foreach (var (write, _) in accepted)
        {
            write.Done.TrySetResult(write.Result!);
        }
    }

    // Inside the batch's transaction; the batch's earlier writes are in staged, not yet committed.
    private StoreEvent Apply(PendingWrite write, long resourceVersion, Dictionary<(string Kind, ObjectKey Key), Entry?> staged)
    {
        var (type, kind, obj) = (write.Type, write.Kind, write.Object);
        var kindKey = KindKey(kind);
        var key = new ObjectKey(write.Namespace ?? "", write.Name);
        Entry? current;
        if (!staged.TryGetValue((kindKey, key), out current))
        {
            lock (_sync)
            {
                current = ObjectsOf(kindKey).GetValueOrDefault(key);
            }
        }

        if (type == StoreEventType.Added && current is not null)
        {
            throw new StoreAlreadyExistsException($"{kind.QualifiedResource} \"{write.Name}\" already exists");
        }

        if (type != StoreEventType.Added)
        {
            if (current is null)
            {
                throw new StoreNotFoundException($"{kind.QualifiedResource} \"{write.Name}\" not found");
            }

            if (write.Expected is { } expected && current.ResourceVersion != expected)
            {
                throw new StoreConflictException(
                    $"Operation cannot be fulfilled on {kind.QualifiedResource} \"{write.Name}\": the object has been modified; "
                    + "please apply your changes to the latest version and try again");
            }
        }

        var id = Key(kind, write.Namespace, write.Name);
        if (type == StoreEventType.Deleted)
        {
            obj = Parse(current!.Json);
            _objects.Delete(id);
        }

        ((JsonObject)obj["metadata"]!)["resourceVersion"] = resourceVersion.ToString();
        var json = obj.ToJsonString();
        if (type != StoreEventType.Deleted)
        {
            var document = new BsonDocument { ["_id"] = id, ["kind"] = kindKey, ["ns"] = key.Namespace, ["data"] = json };
            if (current is null)
            {
                _objects.Insert(document);
            }
            else
            {
                _objects.Update(document);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        staged[(kindKey, key)] = type == StoreEventType.Deleted ? null : new Entry(bytes, resourceVersion);
        write.Result = obj;
        return new StoreEvent(type, kindKey, write.Namespace, resourceVersion, bytes);
    }

    // Called under _sync.
    private List<Entry> Scan(KindInfo kind, string? ns)
    {
        var objects = ObjectsOf(KindKey(kind));
        return ns is null ? [.. objects.Values] : [.. objects.Where(o => o.Key.Namespace == ns).Select(o => o.Value)];
    }

    // Called under _sync, or from the constructor.
    private SortedDictionary<ObjectKey, Entry> ObjectsOf(string kindKey)
    {
        if (!_committed.TryGetValue(kindKey, out var objects))
        {
            _committed[kindKey] = objects = new SortedDictionary<ObjectKey, Entry>(ObjectKey.Order);
        }

        return objects;
    }

    private static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();

    private static long ResourceVersionOf(JsonObject obj) =>
        long.TryParse(obj["metadata"]?["resourceVersion"]?.GetValue<string>(), out var rv) ? rv : 0;

    private static (string? Namespace, string Name) NameOf(JsonObject obj)
    {
        var metadata = obj["metadata"] ?? throw new ArgumentException("object has no metadata");
        var ns = metadata["namespace"]?.GetValue<string>();
        return (string.IsNullOrEmpty(ns) ? null : ns, metadata["name"]!.GetValue<string>());
    }

    private static string Key(KindInfo kind, string? ns, string name) => $"{KindKey(kind)}/{ns}/{name}";

    // Document ids are kind/namespace/name; neither a kind key nor a name contains a slash.
    private static ObjectKey KeyOf(string id)
    {
        var parts = id.Split('/');
        return new ObjectKey(parts[1], parts[2]);
    }

    /// <summary>An object as committed: its UTF-8 JSON, shared read-only by every reader and watch event.</summary>
    private sealed record Entry(byte[] Json, long ResourceVersion);

    private readonly record struct ObjectKey(string Namespace, string Name)
    {
        public static readonly IComparer<ObjectKey> Order = Comparer<ObjectKey>.Create((a, b) =>
        {
            var byNamespace = string.CompareOrdinal(a.Namespace, b.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Name, b.Name);
        });
    }

    private sealed record PendingWrite(StoreEventType Type, KindInfo Kind, string? Namespace, string Name, JsonObject Object, long? Expected)
    {
        public TaskCompletionSource<JsonObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The object as stored, handed back to the writer alone.</summary>
        public JsonObject? Result { get; set; }
    }
}
