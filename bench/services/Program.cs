using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using k8s;
using k8s.Models;
using KubePS.Bench;

// Request throughput and latency through a Service, next to the same requests sent to the pod
// directly and through a Docker Swarm published port, all on this machine (loopback, the Docker
// bridge). The backend is an echo server (busybox nc -ll -e cat); each client keeps one connection
// and sends a 64-byte request, waits for its echo, and sends the next. A new connection per request
// at these rates would measure the host's TCP tuple space instead (tens of thousands of TIME_WAIT
// entries from one source address to one backend), not the proxy.
//   dotnet run -c Release --project bench/services [seconds per measurement, default 10]
var invariant = CultureInfo.InvariantCulture;
var seconds = args.Length > 0 ? int.Parse(args[0], invariant) : 10;
const int Clients = 16;
const string Image = "kubeps/busybox:1";
string[] echo = ["nc", "-ll", "-p", "8080", "-e", "cat"];

const int Rounds = 5;
var rows = new List<(string Path, Load.Result Result, double VersusDirect)>();
var directRuns = new List<Load.Result>();
foreach (var mode in new[] { "iptables", "userspace" })
{
    await using var cluster = await BenchCluster.StartAsync("--proxy-mode", mode);
    var (podIp, clusterIp) = await DeployAsync(cluster.Client);
    var direct = new List<Load.Result>();
    var proxied = new List<Load.Result>();
    for (var round = 0; round < Rounds; round++)
    {
        // Alternating, so a slow moment of the machine falls on both paths alike.
        direct.Add(await Load.RunAsync(podIp, 8080, Clients, seconds));
        proxied.Add(await Load.RunAsync(clusterIp, 80, Clients, seconds));
    }

    directRuns.AddRange(direct);
    var median = Load.Median(proxied);
    rows.Add(($"cluster IP, {mode} mode", median, median.PerSecond / Load.Median(direct).PerSecond));
}

// The routing mesh balances with IPVS; without it Swarm's ingress never answers. A host-mode
// published port (Docker's own DNAT to the task, no mesh) is measured either way, as a reference.
var meshMissing = File.Exists("/proc/net/ip_vs") ? null
    : "this kernel has no IPVS (/proc/net/ip_vs is missing; dockerd logs \"Could not get ipvs family information from the kernel\"), which the routing mesh needs";
string? swarmNote = SwarmHost.WhyUnavailable() ?? meshMissing;
if (SwarmHost.WhyUnavailable() is null)
{
    using var docker = new Docker.DotNet.DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    var joined = await SwarmHost.JoinAsync(docker);
    try
    {
        var published = meshMissing is null ? ("published=18080,target=8080", "Swarm routing mesh, 127.0.0.1:18080") : ("published=18080,target=8080,mode=host", "Swarm, host-mode published port (no mesh)");
        await SwarmHost.CliAsync(["service", "create", "--detach", "--no-resolve-image", "--name", "kubeps-bench-mesh",
            "--publish", published.Item1, Image, .. echo]);
        await Load.WaitForAnswerAsync("127.0.0.1", 18080, TimeSpan.FromSeconds(120));
        var swarm = new List<Load.Result>();
        for (var round = 0; round < Rounds; round++)
        {
            swarm.Add(await Load.RunAsync("127.0.0.1", 18080, Clients, seconds));
        }

        rows.Add((published.Item2, Load.Median(swarm), Load.Median(swarm).PerSecond / Load.Median(directRuns).PerSecond));
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
    {
        swarmNote = $"the Swarm routing mesh did not answer here: {e.Message}";
    }
    finally
    {
        await SwarmHost.CliAsync("service", "rm", "kubeps-bench-mesh").ContinueWith(_ => { }, TaskScheduler.Default);
        await SwarmHost.LeaveAsync(joined);
    }
}

var directMedian = Load.Median(directRuns);
rows.Insert(0, ("pod IP, directly", directMedian, 1.0));
var report = new StringBuilder()
    .AppendLine("# Service routing benchmark")
    .AppendLine()
    .AppendLine($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
        + $"one echo pod ({Image}, `nc -ll -p 8080 -e cat`) behind a ClusterIP Service; {Clients} clients on this machine, each on one kept connection "
        + $"sending 64-byte requests one after another (the next when the echo is back) for {seconds} s; the median of {Rounds} rounds, direct and proxied rounds alternating. "
        + "The engine runs in this process, the node service in its own. \"vs direct\" compares with the direct rounds next to it.")
    .AppendLine()
    .AppendLine("| path | requests/s | p50 ms | p99 ms | failed | vs direct |")
    .AppendLine("|---|---:|---:|---:|---:|---:|");
foreach (var (path, result, versus) in rows)
{
    report.AppendLine(invariant, $"| {path} | {result.PerSecond:F0} | {result.P50.TotalMilliseconds:F2} | {result.P99.TotalMilliseconds:F2} | {result.Failed} | {versus:P0} |");
}

foreach (var failure in rows.Select(r => r.Result.FirstFailure).OfType<string>().Distinct())
{
    report.AppendLine().AppendLine($"A failed request said: {failure}");
}

report.AppendLine()
    .AppendLine("Targets: iptables mode ≥ 95% of direct; userspace mode ≥ 60% of direct; both ahead of the Swarm mesh.")
    .AppendLine(swarmNote is null ? "" : $"Docker Swarm's routing mesh was not measured: {swarmNote}.");
var output = Path.Combine(AppContext.BaseDirectory, "../../../../results/services.md");
await File.WriteAllTextAsync(output, report.ToString());
Console.Write(report);

// A Deployment of one echo pod and a Service in front of it; returns when the Service answers.
static async Task<(string PodIp, string ClusterIp)> DeployAsync(Kubernetes client)
{
    var labels = new Dictionary<string, string> { ["app"] = "web" };
    await client.CreateNamespacedDeploymentAsync(new V1Deployment
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = labels },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = labels },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "web", Image = Image,
                            Command = ["nc", "-ll", "-p", "8080", "-e", "cat"],
                            Ports = [new V1ContainerPort { ContainerPort = 8080 }],
                            ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 1 },
                        },
                    ],
                },
            },
        },
    }, "default");
    var service = await client.CreateNamespacedServiceAsync(new V1Service
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
    }, "default");
    string? podIp = null;
    await BenchCluster.WaitAsync(async () =>
    {
        var endpoints = (await client.ListNamespacedEndpointsAsync("default", fieldSelector: "metadata.name=web")).Items.FirstOrDefault();
        podIp = endpoints?.Subsets?.FirstOrDefault()?.Addresses?.FirstOrDefault()?.Ip;
        return podIp is not null;
    }, seconds: 120);
    await Load.WaitForAnswerAsync(service.Spec.ClusterIP, 80, TimeSpan.FromSeconds(30));
    return (podIp!, service.Spec.ClusterIP);
}

/// <summary>A closed-loop echo load: each client sends its next request when the last one is echoed back.</summary>
internal static class Load
{
    private const int RequestBytes = 64;

    public sealed record Result(double PerSecond, TimeSpan P50, TimeSpan P99, int Failed, string? FirstFailure);

    public static Result Median(IEnumerable<Result> runs)
    {
        var sorted = runs.OrderBy(r => r.PerSecond).ToList();
        return sorted[sorted.Count / 2];
    }

    public static async Task<Result> RunAsync(string host, int port, int clients, int seconds)
    {
        await RunForAsync(host, port, clients, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        var (latencies, failures) = await RunForAsync(host, port, clients, TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed;
        latencies.Sort();
        return new Result(latencies.Count / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures.Count, failures.FirstOrDefault());
    }

    public static async Task WaitForAnswerAsync(string host, int port, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                using var client = await ConnectAsync(host, port);
                await RoundTripAsync(client, new byte[RequestBytes], new byte[RequestBytes]);
                return;
            }
            catch (Exception e) when ((e is SocketException or IOException or OperationCanceledException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<(List<TimeSpan> Latencies, List<string> Failures)> RunForAsync(string host, int port, int clients, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<TimeSpan>();
            var failures = new List<string>();
            var request = new byte[RequestBytes];
            var response = new byte[RequestBytes];
            Random.Shared.NextBytes(request);
            try
            {
                using var client = await ConnectAsync(host, port);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var start = Stopwatch.GetTimestamp();
                    await RoundTripAsync(client, request, response);
                    latencies.Add(Stopwatch.GetElapsedTime(start));
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                failures.Add($"{e.GetType().Name}: {e.Message}");
            }

            return (latencies, failures);
        })).ToList();
        var done = await Task.WhenAll(workers);
        return (done.SelectMany(d => d.latencies).ToList(), done.SelectMany(d => d.failures).ToList());
    }

    private static async Task<Socket> ConnectAsync(string host, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await socket.ConnectAsync(IPAddress.Parse(host), port, timeout.Token);
        return socket;
    }

    private static async Task RoundTripAsync(Socket socket, byte[] request, byte[] response)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        for (var read = 0; read < response.Length;)
        {
            var n = await socket.ReceiveAsync(response.AsMemory(read), SocketFlags.None, timeout.Token);
            read += n > 0 ? n : throw new IOException("the connection closed before the echo came back");
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
