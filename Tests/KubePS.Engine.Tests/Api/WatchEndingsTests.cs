using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>How watches end: with a bookmark at their timeout, with an ERROR 410 when their resourceVersion is gone.</summary>
public sealed class WatchEndingsTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private async Task<List<JsonObject>> ReadWatchAsync(string query)
    {
        using var http = engine.CreateHttpClient();
        var url = $"{engine.Client.BaseUri.ToString().TrimEnd('/')}/api/v1/namespaces/default/configmaps?watch=true&{query}";
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonObject>();
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) is { } line)
        {
            events.Add(JsonNode.Parse(line)!.AsObject());
        }

        return events;
    }

    [Fact]
    public async Task A_watch_that_times_out_ends_with_a_bookmark_at_the_current_resourceVersion()
    {
        var rv = (await engine.Client.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        var reading = ReadWatchAsync($"resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=2");
        await engine.Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "before-bookmark" } }, "default");

        var events = await reading;

        Assert.Equal("ADDED", events[0]["type"]!.GetValue<string>());
        var bookmark = events[^1];
        Assert.Equal("BOOKMARK", bookmark["type"]!.GetValue<string>());
        Assert.Equal("ConfigMap", bookmark["object"]!["kind"]!.GetValue<string>());
        var bookmarkRv = long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.True(bookmarkRv >= long.Parse(events[0]["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Resuming_from_a_resourceVersion_the_engine_no_longer_keeps_gives_an_ERROR_410_Expired()
    {
        var old = (await engine.Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "old" } }, "default"))
            .Metadata.ResourceVersion;
        await engine.Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "newer" } }, "default");
        await engine.RestartAsync();

        var events = await ReadWatchAsync($"resourceVersion={old}");

        var error = Assert.Single(events);
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal("Status", error["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
    }
}
