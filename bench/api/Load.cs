using System.Diagnostics;
using System.Text;
using KubePS.Bench;

namespace KubePS.Bench.Api;

/// <summary>Concurrent clients sending one request after another for a fixed time.</summary>
internal static class Load
{
    public sealed record Result(double PerSecond, Latencies Latencies, int[] PerClient);

    public static async Task<Result> RunAsync(BenchEngine engine, int clients, TimeSpan duration, Func<HttpClient, int, int, Task<HttpResponseMessage>> send)
    {
        var latencies = new Latencies();
        var perClient = new int[clients];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            using var http = engine.CreateClient();
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send(http, client, i);
                await response.Content.LoadIntoBufferAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                perClient[client]++;
            }
        }));
        return new Result(latencies.Count / clock.Elapsed.TotalSeconds, latencies, perClient);
    }

    public static StringContent ConfigMap(string name) =>
        new("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"bench\"}},\"data\":{\"key\":\"value\"}}", Encoding.UTF8, "application/json");
}
