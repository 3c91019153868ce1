using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using k8s.Models;
using KubePS.Bench;
using KubePS.Bench.Api;

// Pod startup latency (create to Running, seen through a watch) over rounds of pods on one node
// service, next to bare `docker run` of the same image in the same run, and the node service's
// memory with a full round of pods running.
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
var perRound = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var output = args.Length > 2 ? args[2] : Path.Combine(AppContext.BaseDirectory, "pods.md");
const string Image = "kubeps/busybox:1";

await using var cluster = await BenchCluster.StartAsync();
var client = cluster.Client;
var docker = cluster.Docker;

// Warm both paths once, unmeasured.
await BareRunAsync(docker);
await StartPodAsync(client, "warm-up");
await DeleteAllAsync(cluster);

var bare = new Latencies();
for (var i = 0; i < rounds * perRound; i++)
{
    bare.Add(await BareRunAsync(docker));
}

var pods = new Latencies();
var rss = new List<long>();
for (var round = 0; round < rounds; round++)
{
    for (var i = 0; i < perRound; i++)
    {
        pods.Add(await StartPodAsync(client, $"bench-{round}-{i}"));
    }

    await Task.Delay(TimeSpan.FromSeconds(5));
    rss.Add(cluster.NodeResidentBytes());
    await DeleteAllAsync(cluster);
}

var dockerVersion = (await docker.System.GetVersionAsync()).Version;
var report = new StringBuilder()
    .AppendLine("# Pod startup benchmark").AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, "
        + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
        + $"Docker {dockerVersion}; image {Image}; {rounds} rounds of {perRound} pods created one after another "
        + $"on one node service (a separate process), the engine in this process.").AppendLine()
    .AppendLine("| | samples | p50 ms | p99 ms |")
    .AppendLine("|---|---:|---:|---:|")
    .AppendLine(Row("bare `docker run -d` (create + start)", bare))
    .AppendLine(Row("pod: create → Running (watch)", pods))
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Pod p99 / bare p99: {pods.Percentile(99) / bare.Percentile(99):F2}×; pod p50 / bare p50: {pods.Percentile(50) / bare.Percentile(50):F2}×.")
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Node service resident memory with {perRound} pods running, per round: {string.Join(", ", rss.Select(r => $"{r / (1024.0 * 1024):F0} MB"))}.");
Console.Write(report);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"written to {output}");

static string Row(string what, Latencies latencies) =>
    string.Create(CultureInfo.InvariantCulture, $"| {what} | {latencies.Count} | {latencies.Percentile(50):F0} | {latencies.Percentile(99):F0} |");

// What a pod costs at least: one container created and started, then removed (unmeasured).
static async Task<double> BareRunAsync(DockerClient docker)
{
    var clock = Stopwatch.StartNew();
    var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
    {
        Image = Image,
        Cmd = ["sleep", "3600"],
        HostConfig = new HostConfig { Init = true },
    });
    await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
    var elapsed = clock.Elapsed.TotalMilliseconds;
    await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
    return elapsed;
}

static async Task<double> StartPodAsync(Kubernetes client, string name)
{
    using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    var running = new TaskCompletionSource();
    var list = await client.CoreV1.ListNamespacedPodAsync("default");
    var watch = Task.Run(async () =>
    {
        await foreach (var (_, pod) in client.CoreV1.WatchListNamespacedPodAsync("default", fieldSelector: $"metadata.name={name}",
            resourceVersion: list.Metadata.ResourceVersion, cancellationToken: watching.Token))
        {
            if (pod.Status?.Phase == "Running")
            {
                running.TrySetResult();
                return;
            }
        }
    });
    var clock = Stopwatch.StartNew();
    await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { TerminationGracePeriodSeconds = 0, Containers = [new V1Container { Name = "app", Image = Image, Command = ["sleep", "3600"] }] },
    }, "default");
    await running.Task.WaitAsync(watching.Token);
    var elapsed = clock.Elapsed.TotalMilliseconds;
    await watching.CancelAsync();
    await watch.ContinueWith(_ => { }, TaskScheduler.Default);
    return elapsed;
}

static async Task DeleteAllAsync(BenchCluster cluster)
{
    await cluster.Client.CoreV1.DeleteCollectionNamespacedPodAsync("default", gracePeriodSeconds: 0);
    await BenchCluster.WaitAsync(async () => (await cluster.Client.CoreV1.ListNamespacedPodAsync("default")).Items.Count == 0, seconds: 120);

    // The node service removes the containers of deleted pods; the next round starts on a clean node.
    await cluster.WaitForNoContainersAsync();
}
