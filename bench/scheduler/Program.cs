using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.Bench;
using KubePS.Bench.Scheduler;

// Scheduling throughput on hollow nodes: pods created by 50 clients as fast as the API takes them, each
// bound by the engine's scheduler; pods/s counts binds over the time from the first bind to the last.
var output = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "scheduler.md");
var scenarios = args.Contains("--quick")
    ? [new Scenario(1000, 10_000, false), new Scenario(1000, 10_000, true)]
    : new[] { new Scenario(1000, 10_000, false), new Scenario(1000, 10_000, true), new Scenario(5000, 30_000, false), new Scenario(5000, 30_000, true) };

var report = new StringBuilder()
    .AppendLine("# Scheduler benchmark").AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, "
        + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
        + $"Release build, engine in process (its store, API, controllers and scheduler), hollow nodes and the 50 creating clients in the same process.").AppendLine()
    .AppendLine("| nodes | pods | anti-affinity | pods/s (binding) | pods/s (first create to last bind) | creates/s | peak RSS MiB | managed heap MiB after |")
    .AppendLine("|---:|---:|:---:|---:|---:|---:|---:|---:|");
// One unreported run of the first shape: the first large run in a process measures about 2.5 times
// slower than the same run after it (JIT tiering and the GC's budgets settling), and steady state is wanted.
await SchedulerRun.RunAsync(scenarios[0]);
foreach (var scenario in scenarios)
{
    var result = await SchedulerRun.RunAsync(scenario);
    var line = string.Create(CultureInfo.InvariantCulture,
        $"| {scenario.Nodes} | {scenario.Pods} | {(scenario.AntiAffinity ? "yes" : "no")} | {result.BindsPerSecond:F0} | {result.OverallPerSecond:F0} | {result.CreatesPerSecond:F0} | {result.PeakRssMiB:F0} | {result.HeapMiB:F0} |");
    Console.WriteLine(line);
    report.AppendLine(line);
}

await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"written to {output}");

internal sealed record Scenario(int Nodes, int Pods, bool AntiAffinity);

internal sealed record RunResult(double BindsPerSecond, double OverallPerSecond, double CreatesPerSecond, double PeakRssMiB, double HeapMiB);

internal static class SchedulerRun
{
    private const int Clients = 50;

    // Pods of one group (100 of them) must be on different nodes when anti-affinity is on.
    private const int GroupSize = 100;

    public static async Task<RunResult> RunAsync(Scenario scenario)
    {
        // Hollow nodes report every 20 s; the lifecycle grace is raised so a busy run never marks them lost.
        await using var engine = await BenchEngine.StartAsync(o => o.NodeMonitorGracePeriod = TimeSpan.FromMinutes(10));
        await using var nodes = new HollowNodes(engine, scenario.Nodes);
        await nodes.RegisterAsync();

        var bound = new long[scenario.Pods];
        var binds = 0;
        var allBound = new TaskCompletionSource();
        using var watcher = engine.CreateClient();
        watcher.Timeout = Timeout.InfiniteTimeSpan;
        var list = await watcher.GetStringAsync("/api/v1/namespaces/default/pods");
        var rv = JsonNode.Parse(list)!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var stream = await watcher.GetStreamAsync($"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}");
        var watching = Task.Run(async () =>
        {
            var seen = new HashSet<int>();
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("{\"type\":\"MODIFIED\"", StringComparison.Ordinal) || !line.Contains("\"nodeName\":\"hollow-", StringComparison.Ordinal))
                {
                    continue;
                }

                var at = line.IndexOf("\"name\":\"bench-", StringComparison.Ordinal) + "\"name\":\"bench-".Length;
                var index = int.Parse(line.AsSpan(at, line.IndexOf('"', at) - at), CultureInfo.InvariantCulture);
                if (seen.Add(index))
                {
                    bound[index] = Stopwatch.GetTimestamp();
                    if (++binds == scenario.Pods)
                    {
                        allBound.TrySetResult();
                        return;
                    }
                }
            }
        });

        var peakRss = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                using var self = Process.GetCurrentProcess();
                peakRss = Math.Max(peakRss, self.WorkingSet64);
                await Task.Delay(250, CancellationToken.None);
            }
        });

        var started = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            using var http = engine.CreateClient();
            for (var i = Interlocked.Increment(ref next); i < scenario.Pods; i = Interlocked.Increment(ref next))
            {
                using var response = await http.PostAsync("/api/v1/namespaces/default/pods", HollowNodes.Json(Pod(i, scenario.AntiAffinity)));
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
        var created = Stopwatch.GetElapsedTime(started);

        if (await Task.WhenAny(allBound.Task, Task.Delay(TimeSpan.FromMinutes(10))) != allBound.Task)
        {
            throw new TimeoutException($"{binds} of {scenario.Pods} pods bound after 10 minutes");
        }

        await sampling.CancelAsync();
        await sampler;
        var first = bound.Min();
        var last = bound.Max();
        GC.Collect();
        return new RunResult(
            scenario.Pods / Stopwatch.GetElapsedTime(first, last).TotalSeconds,
            scenario.Pods / Stopwatch.GetElapsedTime(started, last).TotalSeconds,
            scenario.Pods / created.TotalSeconds,
            peakRss / (1024.0 * 1024),
            GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024));
    }

    private static JsonObject Pod(int index, bool antiAffinity)
    {
        var group = $"g{index / GroupSize}";
        var container = new JsonObject
        {
            ["name"] = "c",
            ["image"] = "kubeps/busybox:1",
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" } },
        };
        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        if (antiAffinity)
        {
            var term = new JsonObject
            {
                ["labelSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["group"] = group } },
                ["topologyKey"] = "kubernetes.io/hostname",
            };
            spec["affinity"] = new JsonObject { ["podAntiAffinity"] = new JsonObject { ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(term) } };
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = $"bench-{index}", ["labels"] = new JsonObject { ["app"] = "bench", ["group"] = group } },
            ["spec"] = spec,
        };
    }
}
