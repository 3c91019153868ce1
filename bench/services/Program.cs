using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using k8s;
using k8s.Models;
using KubePS.Bench;

// Request throughput and latency through a Service, next to the same requests sent to the pod
// directly and through a Docker Swarm routing-mesh port, all on this machine (loopback, the Docker
// bridge). Each request is a new connection (HTTP/1.1 with Connection: close), so every request
// passes the proxy's connection handling: busybox httpd serves one request per connection.
//   dotnet run -c Release --project bench/services [seconds per measurement, default 10]
var invariant = CultureInfo.InvariantCulture;
var seconds = args.Length > 0 ? int.Parse(args[0], invariant) : 10;
const int Clients = 16;
const string Image = "kubeps/busybox:1";
string[] httpd = ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"];

var rows = new List<(string Path, Load.Result Result)>();
foreach (var mode in new[] { "iptables", "userspace" })
{
    await using var cluster = await BenchCluster.StartAsync("--proxy-mode", mode);
    var (podIp, clusterIp) = await DeployAsync(cluster.Client);
    if (mode == "iptables")
    {
        rows.Add(("pod IP, directly", await Load.RunAsync($"http://{podIp}:8080/", Clients, seconds)));
    }

    rows.Add(($"cluster IP, {mode} mode", await Load.RunAsync($"http://{clusterIp}/", Clients, seconds)));
}

// The routing mesh balances with IPVS; without it Swarm's ingress never answers.
string? swarmNote = !File.Exists("/proc/net/ip_vs")
    ? "this kernel has no IPVS (/proc/net/ip_vs is missing; dockerd logs \"Could not get ipvs family information from the kernel\"), which the routing mesh needs"
    : SwarmHost.WhyUnavailable();
if (swarmNote is null)
{
    using var docker = new Docker.DotNet.DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    var joined = await SwarmHost.JoinAsync(docker);
    try
    {
        await SwarmHost.CliAsync(["service", "create", "--detach", "--no-resolve-image", "--name", "kubeps-bench-mesh",
            "--publish", "published=18080,target=8080", Image, .. httpd]);
        await Load.WaitForAnswerAsync("http://127.0.0.1:18080/", TimeSpan.FromSeconds(120));
        rows.Add(("Swarm routing mesh, 127.0.0.1:18080", await Load.RunAsync("http://127.0.0.1:18080/", Clients, seconds)));
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

var direct = rows[0].Result;
var report = new StringBuilder()
    .AppendLine("# Service routing benchmark")
    .AppendLine()
    .AppendLine($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
        + $"one busybox httpd pod ({Image}) behind a ClusterIP Service; {Clients} clients on this machine, each sending GET requests one after another "
        + $"for {seconds} s, a new connection per request. The engine runs in this process, the node service in its own.")
    .AppendLine()
    .AppendLine("| path | requests/s | p50 ms | p99 ms | failed | vs direct |")
    .AppendLine("|---|---:|---:|---:|---:|---:|");
foreach (var (path, result) in rows)
{
    report.AppendLine(invariant, $"| {path} | {result.PerSecond:F0} | {result.P50.TotalMilliseconds:F2} | {result.P99.TotalMilliseconds:F2} | {result.Failed} | {result.PerSecond / direct.PerSecond:P0} |");
}

report.AppendLine()
    .AppendLine("Targets: iptables mode ≥ 95% of direct; userspace mode ≥ 60% of direct; both ahead of the Swarm mesh.")
    .AppendLine(swarmNote is null ? "" : $"Docker Swarm was not measured: {swarmNote}");
var output = Path.Combine(AppContext.BaseDirectory, "../../../../results/services.md");
await File.WriteAllTextAsync(output, report.ToString());
Console.Write(report);

// A Deployment of one httpd pod and a Service in front of it; returns when the Service answers.
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
                            Command = ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
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
    await Load.WaitForAnswerAsync($"http://{service.Spec.ClusterIP}/", TimeSpan.FromSeconds(30));
    return (podIp!, service.Spec.ClusterIP);
}

/// <summary>A closed-loop HTTP load: each client sends its next request when the last one is answered.</summary>
internal static class Load
{
    public sealed record Result(double PerSecond, TimeSpan P50, TimeSpan P99, int Failed);

    public static async Task<Result> RunAsync(string url, int clients, int seconds)
    {
        await RunForAsync(url, clients, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        var (latencies, failed) = await RunForAsync(url, clients, TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed;
        latencies.Sort();
        return new Result(latencies.Count / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failed);
    }

    public static async Task WaitForAnswerAsync(string url, TimeSpan within)
    {
        using var http = NewClient();
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                await http.GetStringAsync(url);
                return;
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<(List<TimeSpan> Latencies, int Failed)> RunForAsync(string url, int clients, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var http = NewClient();
            var latencies = new List<TimeSpan>();
            var failed = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await http.GetByteArrayAsync(url);
                    latencies.Add(Stopwatch.GetElapsedTime(start));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failed++;
                }
            }

            return (latencies, failed);
        })).ToList();
        var done = await Task.WhenAll(workers);
        return (done.SelectMany(d => d.latencies).ToList(), done.Sum(d => d.failed));
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static HttpClient NewClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(3) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        http.DefaultRequestHeaders.ConnectionClose = true;
        return http;
    }
}
