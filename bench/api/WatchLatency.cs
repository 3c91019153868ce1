using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using KubePS.Bench;

namespace KubePS.Bench.Api;

/// <summary>How long a write takes to reach each of many open watches: from sending the create to reading its event.</summary>
internal static class WatchLatency
{
    public sealed record Result(int Watchers, int Events, Latencies Latencies);

    public static async Task<Result> RunAsync(BenchEngine engine, int watchers, int events)
    {
        const string ns = "default";
        var sentAt = new long[events];
        var latencies = new Latencies();
        using var writer = engine.CreateClient();
        var rv = JsonNode.Parse(await writer.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps"))!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var clients = Enumerable.Range(0, watchers).Select(_ => engine.CreateClient()).ToList();
        var streams = await Task.WhenAll(clients.Select(c => c.GetStreamAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}")));
        var reading = streams.Select(async stream =>
        {
            using var reader = new StreamReader(stream);
            for (var seen = 0; seen < events && await reader.ReadLineAsync() is { } line;)
            {
                var received = Stopwatch.GetTimestamp();
                var name = JsonNode.Parse(line)!["object"]!["metadata"]!["name"]!.GetValue<string>();
                var index = int.Parse(name["watch-".Length..], CultureInfo.InvariantCulture);
                latencies.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[index]), received).TotalMilliseconds);
                seen++;
            }
        }).ToList();

        // Spaced writes, so the figure is delivery latency rather than a queue behind a burst.
        for (var i = 0; i < events; i++)
        {
            Volatile.Write(ref sentAt[i], Stopwatch.GetTimestamp());
            using var response = await writer.PostAsync($"/api/v1/namespaces/{ns}/configmaps", Load.ConfigMap($"watch-{i}"));
            response.EnsureSuccessStatusCode();
            await Task.Delay(10);
        }

        await Task.WhenAll(reading).WaitAsync(TimeSpan.FromSeconds(60));
        clients.ForEach(c => c.Dispose());
        return new Result(watchers, events, latencies);
    }
}
