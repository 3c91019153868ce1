using System.Runtime.InteropServices;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Node;

/// <summary>Registers this machine as a Node and keeps its status (capacity, Ready, heartbeat) current.</summary>
public sealed class NodeRegistrar(
    IKubernetes api, IContainerRuntime runtime, NodeOptions options, IServer server, IHostApplicationLifetime lifetime, TimeProvider clock,
    ILogger<NodeRegistrar> logger)
    : BackgroundService
{
    public const string KubeletVersion = "v1.32.0-kubeps";

    // .NET's OSVersion mangles Linux release strings ("6.1.0-18-amd64" becomes "6.1.0.18"); the kernel's own is what `uname -r` shows.
    private static readonly string KernelRelease = File.Exists("/proc/sys/kernel/osrelease")
        ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim()
        : Environment.OSVersion.Version.ToString();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The node publishes its endpoint's port, which is known once the server listens.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(started.SetResult))
        {
            await started.Task;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReportAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Node status update failed, retrying: {Message}", e.Message);
            }

            try
            {
                await Task.Delay(options.HeartbeatInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        var status = await StatusAsync(cancellationToken);
        V1Node node;
        try
        {
            node = await api.CoreV1.ReadNodeAsync(options.NodeName, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            logger.LogInformation("Registering node {Node}", options.NodeName);
            await api.CoreV1.CreateNodeAsync(new V1Node
            {
                Metadata = new V1ObjectMeta
                {
                    Name = options.NodeName,
                    Labels = Labels,
                },
                Spec = new V1NodeSpec(),
                Status = status,
            }, cancellationToken: cancellationToken);
            return;
        }

        if (Labels.Any(l => node.Metadata.Labels is null || !node.Metadata.Labels.TryGetValue(l.Key, out var value) || value != l.Value))
        {
            node = await api.CoreV1.PatchNodeAsync(
                new V1Patch(new { metadata = new { labels = Labels } }, V1Patch.PatchType.MergePatch), options.NodeName, cancellationToken: cancellationToken);
        }

        // A condition that kept its status keeps the time it last changed.
        foreach (var condition in status.Conditions)
        {
            var was = node.Status?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
            if (was?.Status == condition.Status)
            {
                condition.LastTransitionTime = was.LastTransitionTime;
            }
        }

        node.Status = status;
        await api.CoreV1.ReplaceNodeStatusAsync(node, options.NodeName, cancellationToken: cancellationToken);
    }

    private async Task<V1NodeStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var capacity = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["memory"] = new($"{memory / 1024}Ki"),
            ["pods"] = new("110"),
            ["ephemeral-storage"] = new($"{EphemeralStorageBytes() / 1024}Ki"),
        };
        var left = NodeResources.Read(options.DataPath);
        V1NodeCondition Condition(string type, bool value, string reason, string message) => new()
        {
            Type = type,
            Status = value ? "True" : "False",
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            LastTransitionTime = now,
        };

        return new V1NodeStatus
        {
            Capacity = capacity,
            Allocatable = new Dictionary<string, ResourceQuantity>(capacity),
            Addresses =
            [
                new V1NodeAddress { Type = "InternalIP", Address = options.BindAddress },
                new V1NodeAddress { Type = "Hostname", Address = options.NodeName },
            ],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = ListeningPort() } },
            // As the kubelet reports them: the 50 largest images.
            Images = (await runtime.ListImagesAsync(cancellationToken)).Take(50)
                .Select(i => new V1ContainerImage { Names = i.Names.ToList(), SizeBytes = i.SizeBytes }).ToList(),
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = Architecture,
                OperatingSystem = OperatingSystem.IsWindows() ? "windows" : "linux",
                OsImage = RuntimeInformation.OSDescription,
                KernelVersion = KernelRelease,
                ContainerRuntimeVersion = await runtime.VersionAsync(cancellationToken),
                KubeletVersion = KubeletVersion,
                KubeProxyVersion = "",
                MachineID = options.NodeName,
                SystemUUID = options.NodeName,
                BootID = "",
            },
            Conditions =
            [
                left.MemoryPressure
                    ? Condition("MemoryPressure", true, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
                    : Condition("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                left.DiskPressure
                    ? Condition("DiskPressure", true, "KubeletHasDiskPressure", "kubelet has disk pressure")
                    : Condition("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                left.PidPressure
                    ? Condition("PIDPressure", true, "KubeletHasInsufficientPID", "kubelet has insufficient PID available")
                    : Condition("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition("Ready", true, "KubeletReady", "kubelet is posting ready status"),
            ],
        };
    }

    // The size of the file system that holds the node's data (its emptyDirs and logs).
    private long EphemeralStorageBytes()
    {
        var folder = Path.GetFullPath(options.DataPath);
        Directory.CreateDirectory(folder);
        return new DriveInfo(folder).TotalSize;
    }

    private Dictionary<string, string> Labels => new()
    {
        ["kubernetes.io/hostname"] = options.NodeName,
        ["kubernetes.io/os"] = OperatingSystem.IsWindows() ? "windows" : "linux",
        ["kubernetes.io/arch"] = Architecture,
    };

    private static string Architecture => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private int ListeningPort()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is null ? options.Port : new Uri(address.Replace("[::]", "localhost")).Port;
    }
}
