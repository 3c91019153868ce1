using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Tests.Storage;

public sealed class WatchTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LiteDbObjectStore Open(int cacheSize = 100) => new(Path.Combine(_folder.Path, "store.db"), cacheSize);

    private static JsonObject Pod(string name) => new() { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" } };

    private static async Task<List<StoreEvent>> Take(StoreWatch watch, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<StoreEvent>();
        while (events.Count < count)
        {
            events.Add(await watch.Events.ReadAsync(timeout.Token));
        }

        return events;
    }

    [Fact]
    public async Task A_watch_without_resourceVersion_starts_with_the_current_objects()
    {
        using var store = Open();
        await store.CreateAsync(KindRegistry.Pod, Pod("a"), default);
        await store.CreateAsync(KindRegistry.Pod, Pod("b"), default);

        using var watch = store.Watch(KindRegistry.Pod, "default", null);
        await store.CreateAsync(KindRegistry.Pod, Pod("c"), default);

        var events = await Take(watch, 3);
        Assert.Equal(["a", "b", "c"], events.Select(e => e.Object["metadata"]!["name"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal(StoreEventType.Added, e.Type));
    }

    [Fact]
    public async Task A_watch_resumed_from_a_resourceVersion_gets_every_later_event_in_order()
    {
        using var store = Open();
        var a = await store.CreateAsync(KindRegistry.Pod, Pod("a"), default);
        var from = store.CurrentResourceVersion;
        await store.UpdateAsync(KindRegistry.Pod, a, null, default);
        await store.CreateAsync(KindRegistry.Pod, Pod("b"), default);
        await store.DeleteAsync(KindRegistry.Pod, "default", "a", null, default);

        using var watch = store.Watch(KindRegistry.Pod, null, from);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await store.CreateAsync(KindRegistry.Pod, Pod($"n{i}"), default);
            }
        });

        var events = await Take(watch, 203);
        await writer;
        Assert.Equal([StoreEventType.Modified, StoreEventType.Added, StoreEventType.Deleted], events.Take(3).Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, 203).Select(i => from + 1 + i), events.Select(e => e.ResourceVersion));
    }

    [Fact]
    public async Task Resuming_from_a_resourceVersion_older_than_the_cache_is_refused_as_expired()
    {
        using var store = Open(cacheSize: 5);
        var from = store.CurrentResourceVersion;
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync(KindRegistry.Pod, Pod($"p{i}"), default);
        }

        Assert.Throws<StoreExpiredException>(() => store.Watch(KindRegistry.Pod, null, from));
        using var recent = store.Watch(KindRegistry.Pod, null, store.CurrentResourceVersion - 2);
        Assert.Equal(2, (await Take(recent, 2)).Count);
    }

    [Fact]
    public async Task A_watch_only_sees_its_own_kind_and_namespace()
    {
        using var store = Open();
        using var watch = store.Watch(KindRegistry.Pod, "default", store.CurrentResourceVersion);
        await store.CreateAsync(KindRegistry.Event, Pod("event"), default);
        var other = Pod("elsewhere");
        other["metadata"]!["namespace"] = "other";
        await store.CreateAsync(KindRegistry.Pod, other, default);
        await store.CreateAsync(KindRegistry.Pod, Pod("mine"), default);

        var only = Assert.Single(await Take(watch, 1));
        Assert.Equal("mine", only.Object["metadata"]!["name"]!.GetValue<string>());
        Assert.False(watch.Events.TryRead(out _));
    }
}
