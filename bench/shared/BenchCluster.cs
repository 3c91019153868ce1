using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using KubePS.Core.Config;

namespace KubePS.Bench;

/// <summary>
/// A one-node cluster for benchmarks: a <see cref="BenchEngine"/> in this process, the node
/// service as its own process (so its memory is its own), a client and a Docker client.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private BenchEngine _engine = null!;

    public Kubernetes Client { get; private set; } = null!;

    public DockerClient Docker { get; } = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();

    public string NodeName { get; } = "bench-" + Guid.NewGuid().ToString("N")[..6];

    public Process Node { get; private set; } = null!;

    /// <summary>Starts the engine and one node service, which gets <paramref name="nodeArguments"/> besides its usual ones.</summary>
    public static async Task<BenchCluster> StartAsync(params string[] nodeArguments)
    {
        var cluster = new BenchCluster();
        cluster._engine = await BenchEngine.StartAsync();
        var kubeconfig = cluster._engine.KubeConfigPath;
        cluster.Client = KubeClientFactory.FromKubeConfig(kubeconfig);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "KubePS.NodeService.dll"), "--kubeconfig", kubeconfig,
                "--data-path", Path.Combine(cluster._engine.Folder, "node"), "--node-name", cluster.NodeName, "--port", "0",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        nodeArguments.ToList().ForEach(start.ArgumentList.Add);
        cluster.Node = Process.Start(start)!;
        _ = cluster.Node.StandardOutput.ReadToEndAsync();
        _ = cluster.Node.StandardError.ReadToEndAsync();
        await WaitAsync(async () => (await cluster.Client.CoreV1.ListNodeAsync()).Items.Any(n => n.Metadata.Name == cluster.NodeName
            && n.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true));
        return cluster;
    }

    /// <summary>Waits until every container of this node's pods is gone, after their pods were deleted.</summary>
    public async Task WaitForNoContainersAsync()
    {
        await WaitAsync(async () => (await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = NodeLabel })).Count == 0, seconds: 180);
    }

    private Dictionary<string, IDictionary<string, bool>> NodeLabel => new()
    {
        ["label"] = new Dictionary<string, bool> { [$"{KubePS.Core.Kinds.WellKnown.ContainerLabels.Node}={NodeName}"] = true },
    };

    public long NodeResidentBytes() =>
        File.ReadLines($"/proc/{Node.Id}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).Single();

    public static async Task WaitAsync(Func<Task<bool>> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the cluster did not get there in time");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM first, so the node service removes its service rules and route as it does on any stop.
        Process.Start("kill", ["-TERM", Node.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        if (!Node.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            Node.Kill(entireProcessTree: true);
        }

        // Whatever a failed run left behind goes with the node.
        foreach (var container in await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = NodeLabel }))
        {
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }

        Client.Dispose();
        Docker.Dispose();
        await _engine.DisposeAsync();
    }
}
