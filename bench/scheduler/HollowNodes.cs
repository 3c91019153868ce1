using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KubePS.Bench.Scheduler;

/// <summary>
/// Simulated nodes, as Kubernetes' kubemark: each registers a Node with room for pods and keeps its
/// Ready heartbeat fresh, but runs nothing; pods bound to it stay as the scheduler left them.
/// </summary>
internal sealed class HollowNodes(BenchEngine engine, int count) : IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeats = Task.CompletedTask;

    public static string NameOf(int index) => $"hollow-{index:D5}";

    public async Task RegisterAsync()
    {
        await ForEachAsync(async (http, i) =>
        {
            using var response = await http.PostAsync("/api/v1/nodes", Json(Node(NameOf(i))));
            response.EnsureSuccessStatusCode();
        });
        _heartbeats = HeartbeatAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    // Each node reports again every 20 s, spread over the interval, as node services do.
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var http = engine.CreateClient();
        var pause = HeartbeatInterval / count;
        for (var i = 0; !cancellationToken.IsCancellationRequested; i = (i + 1) % count)
        {
            var patch = new JsonObject { ["status"] = new JsonObject { ["conditions"] = new JsonArray(ReadyCondition()) } };
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/nodes/{NameOf(i)}/status")
            {
                Content = new StringContent(patch.ToJsonString(), Encoding.UTF8, "application/strategic-merge-patch+json"),
            };
            using var response = await http.SendAsync(request, cancellationToken);
            await Task.Delay(pause, cancellationToken);
        }
    }

    private async Task ForEachAsync(Func<HttpClient, int, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var http = engine.CreateClient();
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await action(http, i);
            }
        }));
    }

    private static JsonObject Node(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name } },
        ["status"] = new JsonObject
        {
            ["capacity"] = Resources(),
            ["allocatable"] = Resources(),
            ["conditions"] = new JsonArray(ReadyCondition()),
        },
    };

    private static JsonObject Resources() => new() { ["cpu"] = "32", ["memory"] = "128Gi", ["pods"] = "110" };

    private static JsonObject ReadyCondition()
    {
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now };
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
