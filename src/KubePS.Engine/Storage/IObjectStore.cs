using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Storage;

public enum StoreEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One committed change, as the watch cache keeps it and watchers receive it. The object is kept
/// as its JSON text, shared by every watcher; each event instance parses its own copy on first use,
/// so a watcher may change <see cref="Object"/> freely and one that only relays the text never parses it.
/// </summary>
public sealed class StoreEvent
{
    private JsonObject? _object;

    public StoreEvent(StoreEventType type, string kindKey, string? ns, long resourceVersion, ReadOnlyMemory<byte> json)
    {
        Type = type;
        KindKey = kindKey;
        Namespace = ns;
        ResourceVersion = resourceVersion;
        Json = json;
    }

    /// <summary>An event for an object nobody else holds, so it becomes this event's own copy.</summary>
    public StoreEvent(StoreEventType type, string kindKey, string? ns, long resourceVersion, JsonObject obj)
        : this(type, kindKey, ns, resourceVersion, JsonSerializer.SerializeToUtf8Bytes(obj)) => _object = obj;

    public StoreEventType Type { get; }

    public string KindKey { get; }

    public string? Namespace { get; }

    public long ResourceVersion { get; }

    /// <summary>The object as committed, UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    public JsonObject Object => _object ??= JsonNode.Parse(Json.Span)!.AsObject();

    /// <summary>The same change for another watcher, sharing the text but not the parsed object.</summary>
    internal StoreEvent Share() => new(Type, KindKey, Namespace, ResourceVersion, Json);
}

/// <summary>The objects of one kind (in one namespace or all) at one resourceVersion.</summary>
public sealed record StoreList(long ResourceVersion, IReadOnlyList<JsonObject> Items);

/// <summary>
/// The engine's storage: a cluster-wide strictly increasing resourceVersion, writes that are
/// durable before they return, and watches that resume from a resourceVersion. Controllers and
/// the API never see the backend behind it (LiteDB now; etcd could follow).
/// Objects handed in and out are copies: callers may change them freely.
/// </summary>
public interface IObjectStore : IDisposable
{
    long CurrentResourceVersion { get; }

    /// <summary>Stores a new object and returns it with its resourceVersion; <see cref="StoreAlreadyExistsException"/> if the name is taken.</summary>
    Task<JsonObject> CreateAsync(KindInfo kind, JsonObject obj, CancellationToken cancellationToken);

    Task<JsonObject?> GetAsync(KindInfo kind, string? ns, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an object. When <paramref name="expectedResourceVersion"/> is given and differs from
    /// the stored one, throws <see cref="StoreConflictException"/>; a missing object throws <see cref="StoreNotFoundException"/>.
    /// </summary>
    Task<JsonObject> UpdateAsync(KindInfo kind, JsonObject obj, long? expectedResourceVersion, CancellationToken cancellationToken);

    /// <summary>Removes an object and returns its last state, stamped with the deletion's resourceVersion.</summary>
    Task<JsonObject> DeleteAsync(KindInfo kind, string? ns, string name, long? expectedResourceVersion, CancellationToken cancellationToken);

    Task<StoreList> ListAsync(KindInfo kind, string? ns, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a watch of one kind (one namespace, or all when null). With no resourceVersion the
    /// current objects arrive first as Added events; with one, every change after it, or
    /// <see cref="StoreExpiredException"/> when the watch cache no longer holds it.
    /// </summary>
    StoreWatch Watch(KindInfo kind, string? ns, long? fromResourceVersion);
}

public class StoreException(string message) : Exception(message);

public sealed class StoreNotFoundException(string message) : StoreException(message);

public sealed class StoreAlreadyExistsException(string message) : StoreException(message);

public sealed class StoreConflictException(string message) : StoreException(message);

public sealed class StoreExpiredException(string message) : StoreException(message);
