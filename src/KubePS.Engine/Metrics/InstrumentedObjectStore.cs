using System.Diagnostics;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Metrics;

/// <summary>The store with its write latency measured; reads and watches pass straight through.</summary>
public sealed class InstrumentedObjectStore(IObjectStore inner, EngineMetrics metrics) : IObjectStore
{
    public long CurrentResourceVersion => inner.CurrentResourceVersion;

    public Task<JsonObject> CreateAsync(KindInfo kind, JsonObject obj, CancellationToken cancellationToken) =>
        TimeAsync("create", () => inner.CreateAsync(kind, obj, cancellationToken));

    public Task<JsonObject?> GetAsync(KindInfo kind, string? ns, string name, CancellationToken cancellationToken) =>
        inner.GetAsync(kind, ns, name, cancellationToken);

    public Task<JsonObject> UpdateAsync(KindInfo kind, JsonObject obj, long? expectedResourceVersion, CancellationToken cancellationToken) =>
        TimeAsync("update", () => inner.UpdateAsync(kind, obj, expectedResourceVersion, cancellationToken));

    public Task<JsonObject> DeleteAsync(KindInfo kind, string? ns, string name, long? expectedResourceVersion, CancellationToken cancellationToken) =>
        TimeAsync("delete", () => inner.DeleteAsync(kind, ns, name, expectedResourceVersion, cancellationToken));

    public Task<StoreList> ListAsync(KindInfo kind, string? ns, CancellationToken cancellationToken) => inner.ListAsync(kind, ns, cancellationToken);

    public StoreWatch Watch(KindInfo kind, string? ns, long? fromResourceVersion) => inner.Watch(kind, ns, fromResourceVersion);

    public void Dispose() => inner.Dispose();

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> write)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await write();
        }
        finally
        {
            metrics.RecordStoreWrite(operation, Stopwatch.GetElapsedTime(started));
        }
    }
}
