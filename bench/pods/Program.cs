using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using k8s.Models;
using KubePS.Bench.Api;
using KubePS.Core.Config;
using KubePS.Engine;
using Microsoft.Extensions.Logging;

// Pod startup latency (create to Running, seen through a watch) over rounds of pods on one node
// service, next to bare `docker run` of the same image in the same run, and the node service's
// memory with a full round of pods running.
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
var perRound = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var output = args.Length > 2 ? args[2] : Path.Combine(AppContext.BaseDirectory, "pods.md");
const string Image = "kubeps/busybox:1";

var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "kubeps-bench-pods-" + Guid.NewGuid().ToString("N")[..8])).FullName;
var engine = EngineHost.Build(new EngineOptions { DataPath = folder, Port = 0 }, logging => logging.SetMinimumLevel(LogLevel.Warning));
await engine.StartAsync();
var kubeconfig = Path.Combine(folder, "kubeconfig");
using var client = KubeClientFactory.FromKubeConfig(kubeconfig);
using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();

// The node service runs as its own process, so its memory is its own.
var nodeName = "bench-" + Guid.NewGuid().ToString("N")[..6];
var nodeDll = Path.Combine(AppContext.BaseDirectory, "KubePS.NodeService.dll");
var node = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList = { nodeDll, "--kubeconfig", kubeconfig, "--data-path", Path.Combine(folder, "node"), "--node-name", nodeName, "--port", "0" },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
_ = node.StandardOutput.ReadToEndAsync();
_ = node.StandardError.ReadToEndAsync();

try
{
    await WaitAsync(async () => (await client.CoreV1.ListNodeAsync()).Items.Any(n => n.Metadata.Name == nodeName
        && n.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true));

    // Warm both paths once, unmeasured.
    await BareRunAsync(docker);
    await StartPodAsync(client, "warm-up");
    await DeleteAllAsync(client, docker, nodeName);

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
        rss.Add(ResidentBytes(node.Id));
        await DeleteAllAsync(client, docker, nodeName);
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
}
finally
{
    await DeleteAllAsync(client, docker, nodeName);
    node.Kill(entireProcessTree: true);
    await engine.StopAsync();
    await engine.DisposeAsync();
    Directory.Delete(folder, recursive: true);
}

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

static async Task DeleteAllAsync(Kubernetes client, DockerClient docker, string nodeName)
{
    await client.CoreV1.DeleteCollectionNamespacedPodAsync("default", gracePeriodSeconds: 0);
    await WaitAsync(async () => (await client.CoreV1.ListNamespacedPodAsync("default")).Items.Count == 0, seconds: 120);

    // The node service removes the containers of deleted pods; the next round starts on a clean node.
    var label = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{KubePS.Core.Kinds.WellKnown.ContainerLabels.Node}={nodeName}"] = true } };
    await WaitAsync(async () => (await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = label })).Count == 0, seconds: 120);
}

static async Task WaitAsync(Func<Task<bool>> condition, int seconds = 60)
{
    var deadline = DateTime.UtcNow.AddSeconds(seconds);
    while (!await condition())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("the cluster did not get there in time");
        }

        await Task.Delay(200);
    }
}

static long ResidentBytes(int pid) =>
    File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).Single();
