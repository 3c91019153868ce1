using KubePS.Bench;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using KubePS.Bench.Api;

// Creates and gets of single ConfigMaps at 1, 10 and 50 concurrent clients, then watch delivery to 100 watchers.
var duration = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10);
var output = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "api.md");

await using var engine = await BenchEngine.StartAsync();
var report = new StringBuilder();
report.AppendLine("# API server benchmark").AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, "
        + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
        + $"{duration.TotalSeconds:F0} s per measurement, Release build, engine in process, HTTPS over loopback.").AppendLine()
    .AppendLine("| clients | creates/s | create p50 ms | create p99 ms | gets/s | get p50 ms | get p99 ms |")
    .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");

var run = 0;
foreach (var clients in new[] { 1, 10, 50 })
{
    run++;
    var creates = await Load.RunAsync(engine, clients, duration, (http, client, i) =>
        http.PostAsync("/api/v1/namespaces/default/configmaps", Load.ConfigMap($"bench-{run}-{client}-{i}")));
    var gets = await Load.RunAsync(engine, clients, duration, (http, client, i) =>
        http.GetAsync($"/api/v1/namespaces/default/configmaps/bench-{run}-{client}-{i % Math.Max(1, creates.PerClient[client])}"));
    var line = string.Create(CultureInfo.InvariantCulture,
        $"| {clients} | {creates.PerSecond:F0} | {creates.Latencies.Percentile(50):F2} | {creates.Latencies.Percentile(99):F2} | {gets.PerSecond:F0} | {gets.Latencies.Percentile(50):F2} | {gets.Latencies.Percentile(99):F2} |");
    Console.WriteLine(line);
    report.AppendLine(line);
}

var breakdown = await TimeBreakdown.DescribeAsync(engine);
Console.WriteLine(breakdown);
report.AppendLine().AppendLine(breakdown);

var watch = await WatchLatency.RunAsync(engine, watchers: 100, events: 200);
var watchLine = string.Create(CultureInfo.InvariantCulture,
    $"Watch delivery to {watch.Watchers} watchers ({watch.Latencies.Count} deliveries of {watch.Events} events): p50 {watch.Latencies.Percentile(50):F2} ms, p99 {watch.Latencies.Percentile(99):F2} ms.");
Console.WriteLine(watchLine);
report.AppendLine().AppendLine(watchLine);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"written to {output}");
