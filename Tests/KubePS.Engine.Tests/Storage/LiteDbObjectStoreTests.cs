using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Tests.Storage;

public sealed class LiteDbObjectStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "store.db");

    public void Dispose() => _folder.Dispose();

    private static JsonObject Pod(string name, string ns = "default") =>
        new() { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } };

    private static long Rv(JsonObject obj) => long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>());

    [Fact]
    public async Task Every_write_gets_a_higher_resourceVersion_than_the_one_before()
    {
        using var store = new LiteDbObjectStore(DbPath);
        var a = await store.CreateAsync(KindRegistry.Pod, Pod("a"), default);
        var b = await store.CreateAsync(KindRegistry.Pod, Pod("b"), default);
        var a2 = await store.UpdateAsync(KindRegistry.Pod, a, Rv(a), default);
        var deleted = await store.DeleteAsync(KindRegistry.Pod, "default", "b", null, default);

        Assert.True(Rv(a) < Rv(b));
        Assert.True(Rv(b) < Rv(a2));
        Assert.True(Rv(a2) < Rv(deleted));
        Assert.Equal(Rv(deleted), store.CurrentResourceVersion);
    }

    [Fact]
    public async Task An_update_with_a_stale_resourceVersion_is_a_conflict_and_changes_nothing()
    {
        using var store = new LiteDbObjectStore(DbPath);
        var created = await store.CreateAsync(KindRegistry.Pod, Pod("a"), default);
        var stale = Rv(created);
        var changed = (JsonObject)created.DeepClone();
        changed["metadata"]!["labels"] = new JsonObject { ["v"] = "1" };
        await store.UpdateAsync(KindRegistry.Pod, changed, stale, default);

        var second = (JsonObject)created.DeepClone();
        second["metadata"]!["labels"] = new JsonObject { ["v"] = "2" };
        await Assert.ThrowsAsync<StoreConflictException>(() => store.UpdateAsync(KindRegistry.Pod, second, stale, default));

        var stored = await store.GetAsync(KindRegistry.Pod, "default", "a", default);
        Assert.Equal("1", stored!["metadata"]!["labels"]!["v"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_a_name_that_exists_fails_and_keeps_the_first_object()
    {
        using var store = new LiteDbObjectStore(DbPath);
        var first = Pod("a");
        first["spec"] = new JsonObject { ["x"] = 1 };
        await store.CreateAsync(KindRegistry.Pod, first, default);

        await Assert.ThrowsAsync<StoreAlreadyExistsException>(() => store.CreateAsync(KindRegistry.Pod, Pod("a"), default));
        Assert.Equal(1, (await store.GetAsync(KindRegistry.Pod, "default", "a", default))!["spec"]!["x"]!.GetValue<int>());
    }

    [Fact]
    public async Task Acknowledged_writes_survive_closing_and_reopening_the_file()
    {
        long lastRv;
        using (var store = new LiteDbObjectStore(DbPath))
        {
            for (var i = 0; i < 50; i++)
            {
                await store.CreateAsync(KindRegistry.Pod, Pod($"p{i}"), default);
            }

            await store.DeleteAsync(KindRegistry.Pod, "default", "p7", null, default);
            lastRv = store.CurrentResourceVersion;
        }

        using var reopened = new LiteDbObjectStore(DbPath);
        var list = await reopened.ListAsync(KindRegistry.Pod, "default", default);
        Assert.Equal(49, list.Items.Count);
        Assert.DoesNotContain(list.Items, o => o["metadata"]!["name"]!.GetValue<string>() == "p7");
        Assert.Equal(lastRv, reopened.CurrentResourceVersion);
        var next = await reopened.CreateAsync(KindRegistry.Pod, Pod("after"), default);
        Assert.Equal(lastRv + 1, Rv(next));
    }

    [Fact]
    public async Task Lists_are_scoped_by_kind_and_namespace()
    {
        using var store = new LiteDbObjectStore(DbPath);
        await store.CreateAsync(KindRegistry.Pod, Pod("a", "one"), default);
        await store.CreateAsync(KindRegistry.Pod, Pod("b", "two"), default);
        await store.CreateAsync(KindRegistry.Event, Pod("e", "one"), default);

        Assert.Single((await store.ListAsync(KindRegistry.Pod, "one", default)).Items);
        Assert.Equal(2, (await store.ListAsync(KindRegistry.Pod, null, default)).Items.Count);
        Assert.Single((await store.ListAsync(KindRegistry.Event, null, default)).Items);
    }

    [Fact]
    public async Task Concurrent_writers_each_get_their_own_resourceVersion_and_a_refused_write_spoils_nothing_beside_it()
    {
        using var store = new LiteDbObjectStore(DbPath);
        await store.CreateAsync(KindRegistry.Pod, Pod("taken"), default);

        // Many writes in flight at once land in shared transactions; the duplicates among them fail alone.
        var creates = Enumerable.Range(0, 300).Select(i => store.CreateAsync(KindRegistry.Pod, Pod($"p{i}"), default)).ToList();
        var duplicates = Enumerable.Range(0, 20).Select(_ => store.CreateAsync(KindRegistry.Pod, Pod("taken"), default)).ToList();
        var stored = await Task.WhenAll(creates);
        foreach (var duplicate in duplicates)
        {
            await Assert.ThrowsAsync<StoreAlreadyExistsException>(() => duplicate);
        }

        var versions = stored.Select(Rv).ToList();
        Assert.Equal(300, versions.Distinct().Count());
        Assert.Equal(versions.Max(), store.CurrentResourceVersion);
        Assert.Equal(301, (await store.ListAsync(KindRegistry.Pod, "default", default)).Items.Count);

        // An update queued right behind its create sees it, in the same batch or the next.
        var created = store.CreateAsync(KindRegistry.Pod, Pod("chained"), default);
        var labelled = Pod("chained");
        labelled["metadata"]!["labels"] = new JsonObject { ["step"] = "2" };
        var updated = await store.UpdateAsync(KindRegistry.Pod, labelled, null, default);
        Assert.True(Rv(updated) > Rv(await created));
        Assert.Equal("2", (await store.GetAsync(KindRegistry.Pod, "default", "chained", default))!["metadata"]!["labels"]!["step"]!.GetValue<string>());
    }
}
