using k8s;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

public sealed class WatchApiTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        // Not for the default scheduler: these tests write the pods themselves and must not race it.
        Spec = new V1PodSpec { SchedulerName = "manual", Containers = [new V1Container { Name = "app", Image = "kubeps/busybox:1" }] },
    };

    private async Task<List<(WatchEventType Type, V1Pod Pod)>> CollectAsync(string? resourceVersion, string? fieldSelector, int count, Func<Task> act)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType, V1Pod)>();
        var stream = Client.CoreV1.WatchListNamespacedPodAsync(
            "default", resourceVersion: resourceVersion, fieldSelector: fieldSelector, cancellationToken: timeout.Token);
        var reader = Task.Run(async () =>
        {
            await foreach (var (type, pod) in stream)
            {
                events.Add((type, pod));
                if (events.Count == count)
                {
                    break;
                }
            }
        });
        await act();
        await reader;
        return events;
    }

    [Fact]
    public async Task A_watch_from_a_list_resourceVersion_sees_added_modified_and_deleted_in_order()
    {
        var rv = (await Client.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        var events = await CollectAsync(rv, "metadata.name=watched", 3, async () =>
        {
            var pod = await Client.CreateNamespacedPodAsync(Pod("watched"), "default");
            pod.Metadata.Labels = new Dictionary<string, string> { ["changed"] = "yes" };
            await Client.ReplaceNamespacedPodAsync(pod, "watched", "default");
            await Client.DeleteNamespacedPodAsync("watched", "default");
        });

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("yes", events[1].Pod.Metadata.Labels["changed"]);
    }

    [Fact]
    public async Task A_watch_resumed_from_an_older_resourceVersion_replays_what_it_missed()
    {
        var rv = (await Client.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        await Client.CreateNamespacedPodAsync(Pod("missed-1"), "default");
        await Client.CreateNamespacedPodAsync(Pod("missed-2"), "default");

        var events = await CollectAsync(rv, null, 3, () => Client.CreateNamespacedPodAsync(Pod("missed-3"), "default"));

        Assert.Equal(["missed-1", "missed-2", "missed-3"], events.Select(e => e.Pod.Metadata.Name));
        Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
    }

    [Fact]
    public async Task A_watch_without_resourceVersion_starts_with_the_existing_objects()
    {
        await Client.CreateNamespacedPodAsync(Pod("existing"), "default");
        var events = await CollectAsync(null, "metadata.name=existing", 1, () => Task.CompletedTask);
        Assert.Equal((WatchEventType.Added, "existing"), (events[0].Type, events[0].Pod.Metadata.Name));
    }

    [Fact]
    public async Task A_watch_ends_after_timeoutSeconds()
    {
        var rv = (await Client.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        using var http = engine.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"{Client.BaseUri.ToString().TrimEnd('/')}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=2&resourceVersion={rv}");
        var started = DateTime.UtcNow;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Null(await reader.ReadLineAsync());
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.5, 15);
    }
}
