using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using k8s.Models;
using KubePS.Core.Config;
using KubePS.Core.Kinds;
using KubePS.Engine;
using KubePS.NodeService;
using KubePS.NodeService.Runtime;
using Microsoft.AspNetCore.Builder;

namespace KubePS.EndToEnd.Tests;

/// <summary>A real engine and a real node service on the local Docker Engine, each test class with its own node name.</summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "kubeps-e2e-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    private WebApplication? _engine;

    public string NodeName { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..8];

    public WebApplication? Node { get; private set; }

    public string KubeConfigPath => Path.Combine(_root, "kubeconfig");

    public string NodeDataPath => Path.Combine(_root, "nodes", NodeName);

    /// <summary>kubectl 1.32 with this cluster's kubeconfig and a fresh discovery cache.</summary>
    public KubePS.Engine.Tests.Api.KubectlRunner Kubectl => new(KubeConfigPath, _root);

    public Kubernetes Client { get; private set; } = null!;

    public DockerClient Docker { get; } = new DockerClientConfiguration(new Uri(DockerRuntime.DefaultEndpoint)).CreateClient();

    public async Task InitializeAsync()
    {
        _engine = EngineHost.Build(Configure(new EngineOptions { DataPath = _root, Port = 0 }));
        await _engine.StartAsync();
        Client = KubeClientFactory.FromKubeConfig(KubeConfigPath);
        await StartNodeAsync();
        await Eventually(async () =>
        {
            var node = await Client.ReadNodeAsync(NodeName);
            return node.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true ? node : null;
        });
    }

    /// <summary>Stops the engine, waits <paramref name="away"/>, and starts it again on the same data and port.</summary>
    public async Task RestartEngineAsync(TimeSpan away)
    {
        var port = Client.BaseUri.Port;
        await _engine!.StopAsync();
        await _engine.DisposeAsync();
        await Task.Delay(away);
        _engine = EngineHost.Build(Configure(new EngineOptions { DataPath = _root, Port = port }));
        await _engine.StartAsync();
    }

    public async Task StartNodeAsync()
    {
        Node = NodeHost.Build(Configure(new NodeOptions
        {
            KubeConfigPath = KubeConfigPath,
            NodeName = NodeName,
            DataPath = NodeDataPath,
            Port = 0,
        }));
        await Node.StartAsync();
    }

    /// <summary>A cluster of a test class may change the engine's settings (its service ranges).</summary>
    protected virtual EngineOptions Configure(EngineOptions options) => options;

    /// <summary>A cluster of a test class may change the node service's settings (its proxy mode).</summary>
    protected virtual NodeOptions Configure(NodeOptions options) => options;

    public async Task StopNodeAsync()
    {
        if (Node is not null)
        {
            await Node.StopAsync();
            await Node.DisposeAsync();
            Node = null;
        }
    }

    /// <summary>This node's containers in Docker for one pod, running or not.</summary>
    public async Task<IList<ContainerListResponse>> ContainersOfAsync(string podName) =>
        await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [$"{WellKnown.ContainerLabels.Node}={NodeName}"] = true,
                    [$"{WellKnown.ContainerLabels.PodName}={podName}"] = true,
                },
            },
        });

    public static V1Pod Pod(string name, string command, string restartPolicy = "Always", string image = "kubeps/busybox:1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 5,
            Containers = [new V1Container { Name = "app", Image = image, Command = ["sh", "-c", command] }],
        },
    };

    public Task<V1Pod> WaitForPodAsync(string name, Func<V1Pod, bool> condition, int seconds = 60) =>
        WaitForPodAsync("default", name, condition, seconds);

    public async Task<V1Pod> WaitForPodAsync(string ns, string name, Func<V1Pod, bool> condition, int seconds = 60) =>
        await Eventually(async () =>
        {
            var pod = await Client.ReadNamespacedPodAsync(name, ns);
            return condition(pod) ? pod : null;
        }, seconds);

    public static async Task<T> Eventually<T>(Func<Task<T?>> probe, int seconds = 60)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } result)
                {
                    return result;
                }
            }
            catch (k8s.Autorest.HttpOperationException e)
            {
                last = e;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"condition not met within {seconds} s", last);
    }

    public async Task DisposeAsync()
    {
        await StopNodeAsync();
        var leftovers = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{WellKnown.ContainerLabels.Node}={NodeName}"] = true },
            },
        });
        foreach (var container in leftovers)
        {
            try
            {
                await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed meanwhile by the node service's own cleanup, which may still be finishing.
            }
        }

        Client?.Dispose();
        if (_engine is not null)
        {
            await _engine.StopAsync();
            await _engine.DisposeAsync();
        }

        Docker.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
