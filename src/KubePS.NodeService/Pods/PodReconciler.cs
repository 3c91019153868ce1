using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Probes;
using KubePS.NodeService.Runtime;
using KubePS.NodeService.Volumes;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Pods;

/// <summary>
/// Drives one pod's containers toward its spec: a running sandbox, one container per pod
/// container restarted per restartPolicy with back-off, graceful termination on delete, and the
/// status written back through pods/status. Level-triggered: it reads Docker every time.
/// </summary>
public sealed class PodReconciler(
    IKubernetes api,
    IContainerRuntime runtime,
    NodeOptions options,
    ImagePullBackoff pulls,
    ContainerEnvironment environment,
    ProbeManager probes,
    ProbeRunner hooks,
    VolumeManager volumes,
    SyncSignal signal,
    PodEvents events,
    TimeProvider clock,
    ILogger<PodReconciler> logger)
{
    // Exited containers whose back-off was reported, so the BackOff event is recorded once per crash.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _backingOff = new();

    public async Task ReconcileAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid;
        var containers = new PodContainers(await runtime.ListAsync(options.NodeName, uid, cancellationToken));
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            await TerminateAsync(pod, containers, cancellationToken);
            return;
        }

        var waiting = new Dictionary<string, ContainerWaiting>();
        string? podIp = null;
        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            // A finished pod keeps its containers for logs, but not its sandbox.
            if (containers.Sandbox is { State: ContainerRunState.Running } done)
            {
                await runtime.StopAsync(done.Id, TimeSpan.Zero, cancellationToken);
            }
        }
        else
        {
            if (await EnsureSandboxAsync(pod, containers, cancellationToken))
            {
                containers = new PodContainers(await runtime.ListAsync(options.NodeName, uid, cancellationToken));
            }

            var sandbox = containers.Sandbox!;
            podIp = pod.Spec.HostNetwork == true ? options.BindAddress : sandbox.IpAddress;
            var context = new StartContext(sandbox.Id, podIp, null);
            try
            {
                context = context with { Volumes = await volumes.SetUpAsync(pod, podIp, cancellationToken) };
            }
            catch (VolumeNotReadyException e)
            {
                foreach (var container in (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers))
                {
                    waiting[container.Name] = new ContainerWaiting("ContainerCreating", e.Message);
                }
            }

            if (context.Volumes is not null && await InitializeAsync(pod, context, containers, waiting, cancellationToken))
            {
                foreach (var container in pod.Spec.Containers)
                {
                    if (await EnsureContainerAsync(pod, container, context, containers.Instances(container.Name), cancellationToken) is { } w)
                    {
                        waiting[container.Name] = w;
                    }
                }
            }

            containers = new PodContainers(await runtime.ListAsync(options.NodeName, uid, cancellationToken));
        }

        probes.Sync(pod, containers, podIp);
        var status = PodStatusBuilder.Build(pod, containers, waiting, probes.Results, options.BindAddress, clock.GetUtcNow().UtcDateTime);
        await WriteStatusAsync(pod, status, cancellationToken);
    }

    /// <summary>Stops and removes the containers of a pod the API no longer has.</summary>
    public async Task RemoveOrphanAsync(IEnumerable<RuntimeContainer> containers, CancellationToken cancellationToken)
    {
        foreach (var container in containers)
        {
            logger.LogInformation("Removing container {Name} of a pod that no longer exists", container.Name);
            await runtime.StopAsync(container.Id, TimeSpan.FromSeconds(2), cancellationToken);
            await runtime.RemoveAsync(container.Id, cancellationToken);
        }
    }

    // If the sandbox died, the pod's network is gone with it: every container is recreated in a new one.
    // True when a new sandbox was started.
    private async Task<bool> EnsureSandboxAsync(V1Pod pod, PodContainers containers, CancellationToken cancellationToken)
    {
        if (containers.Sandbox is { State: ContainerRunState.Running })
        {
            return false;
        }

        foreach (var stale in containers.All)
        {
            await runtime.RemoveAsync(stale.Id, cancellationToken);
        }

        var spec = new ContainerSpec($"k8s_POD_{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}_{pod.Metadata.Uid}", options.SandboxImage)
        {
            Command = ["sleep", "2147483647"],
            Hostname = pod.Spec.Hostname ?? (pod.Metadata.Name.Length > 63 ? pod.Metadata.Name[..63] : pod.Metadata.Name),
            HostNetwork = pod.Spec.HostNetwork == true,
            Resolver = Dns.PodDns.For(pod, options),
            Labels = Labels(pod, "POD", 0, sandbox: true),
        };
        logger.LogInformation("Starting sandbox of pod {Namespace}/{Pod}", pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        await runtime.RunAsync(spec, cancellationToken);
        return true;
    }

    // Init containers run one at a time, in order, each to a zero exit, before any app container;
    // a failed one is retried per restartPolicy (and ends the pod under Never). True once all are done.
    // A pod whose app containers already exist in this sandbox was initialised before: that stands.
    private async Task<bool> InitializeAsync(
        V1Pod pod, StartContext context, PodContainers containers, Dictionary<string, ContainerWaiting> waiting, CancellationToken cancellationToken)
    {
        if (containers.AppContainersCreated(pod))
        {
            return true;
        }

        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            var instances = containers.Instances(init.Name);
            if (instances.FirstOrDefault() is { State: ContainerRunState.Exited, ExitCode: 0 })
            {
                continue;
            }

            if (await EnsureContainerAsync(pod, init, context, instances, cancellationToken) is { } w)
            {
                waiting[init.Name] = w;
            }

            return false;
        }

        return true;
    }

    private async Task<ContainerWaiting?> EnsureContainerAsync(
        V1Pod pod, V1Container container, StartContext context, IReadOnlyList<RuntimeContainer> instances, CancellationToken cancellationToken)
    {
        var current = instances.FirstOrDefault();
        var restart = 0;
        if (current is { State: ContainerRunState.Running or ContainerRunState.Created })
        {
            return null;
        }

        if (current is not null)
        {
            if (!RestartPolicy.ShouldRestart(pod.Spec.RestartPolicy, current.ExitCode))
            {
                return null;
            }

            restart = PodContainers.RestartCount(current) + 1;
            var delay = RestartPolicy.Backoff(restart - 1, current.StartedAt, current.FinishedAt);
            if (current.FinishedAt is { } finished && clock.GetUtcNow().UtcDateTime < finished + delay)
            {
                signal.WakeAt(pod.Metadata.Uid, finished + delay);
                if (_backingOff.TryAdd(current.Id, true))
                {
                    await events.RecordAsync(pod, container.Name, PodEvents.Warning, "BackOff",
                        $"Back-off restarting failed container {container.Name} in pod {pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})", cancellationToken);
                }

                return new ContainerWaiting("CrashLoopBackOff",
                    $"back-off {(int)delay.TotalSeconds}s restarting failed container={container.Name} pod={pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})");
            }

            _backingOff.TryRemove(current.Id, out _);

            // The exited instance stays as the previous one (for --previous logs); older ones go.
            foreach (var old in instances.Skip(1))
            {
                await runtime.RemoveAsync(old.Id, cancellationToken);
            }
        }

        if (await EnsureImageAsync(pod, container, cancellationToken) is { } imageProblem)
        {
            return imageProblem;
        }

        ResolvedEnvironment resolved;
        ContainerSecurity.Settings security;
        IList<Mount> mounts;
        try
        {
            resolved = await environment.ResolveAsync(pod, container, context.PodIp, options.BindAddress, cancellationToken);
            security = ContainerSecurity.For(pod, container, options.AllowPrivileged, options.NodeName);
            mounts = VolumeManager.MountsFor(container, context.Volumes!);
        }
        catch (ContainerConfigException e)
        {
            return new ContainerWaiting("CreateContainerConfigError", e.Message);
        }

        var spec = new ContainerSpec($"k8s_{container.Name}_{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}_{pod.Metadata.Uid}_{restart}", container.Image)
        {
            Entrypoint = resolved.Command,
            Command = resolved.Args,
            Environment = resolved.Environment,
            WorkingDir = container.WorkingDir,
            User = security.User,
            SupplementalGroups = security.SupplementalGroups,
            ReadOnlyRootFilesystem = security.ReadOnlyRootFilesystem,
            Privileged = security.Privileged,
            AddCapabilities = security.Add,
            DropCapabilities = security.Drop,
            Mounts = mounts,
            Labels = Labels(pod, container.Name, restart, sandbox: false),
            JoinSandbox = context.SandboxId,
            SharePidWithSandbox = pod.Spec.ShareProcessNamespace == true,
            MemoryLimitBytes = container.Resources?.Limits?.TryGetValue("memory", out var memory) == true ? (long)memory.ToDecimal() : null,
            NanoCpus = container.Resources?.Limits?.TryGetValue("cpu", out var cpu) == true ? (long)(cpu.ToDecimal() * 1_000_000_000m) : null,
        };
        try
        {
            logger.LogInformation("Starting container {Container} of pod {Namespace}/{Pod} (restart {Restart})",
                container.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Name, restart);
            var id = await runtime.RunAsync(spec, cancellationToken);
            await events.RecordAsync(pod, container.Name, PodEvents.Normal, "Started", $"Started container {container.Name}", cancellationToken);
            return await PostStartAsync(pod, container, id, context.PodIp, cancellationToken);
        }
        catch (RuntimeException e)
        {
            return new ContainerWaiting("CreateContainerError", e.Message);
        }
    }

    // A postStart hook runs before the container counts as started; when it fails the container is killed,
    // and its restart policy decides what happens next, as the kubelet does.
    private async Task<ContainerWaiting?> PostStartAsync(V1Pod pod, V1Container container, string id, string? podIp, CancellationToken cancellationToken)
    {
        if (container.Lifecycle?.PostStart is not { } hook)
        {
            return null;
        }

        var outcome = await hooks.RunHookAsync(hook, container, id, podIp, TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30), cancellationToken);
        if (outcome.Success)
        {
            return null;
        }

        logger.LogWarning("postStart hook of container {Container} in pod {Namespace}/{Pod} failed: {Message}",
            container.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Name, outcome.Message);
        await events.RecordAsync(pod, container.Name, PodEvents.Warning, "FailedPostStartHook", outcome.Message, cancellationToken);
        await runtime.StopAsync(id, TimeSpan.Zero, cancellationToken);
        return new ContainerWaiting("PostStartHookError", outcome.Message);
    }

    private async Task<ContainerWaiting?> EnsureImageAsync(V1Pod pod, V1Container container, CancellationToken cancellationToken)
    {
        var image = container.Image;
        var policy = container.ImagePullPolicy ?? "IfNotPresent";
        if (policy == "Never" || (policy == "IfNotPresent" && await runtime.HasImageAsync(image, cancellationToken)))
        {
            return policy == "Never" && !await runtime.HasImageAsync(image, cancellationToken)
                ? new ContainerWaiting("ErrImageNeverPull", $"Container image \"{image}\" is not present with pull policy of Never")
                : null;
        }

        var key = $"{pod.Metadata.Uid}/{container.Name}";
        if (pulls.Waiting(key, image) is { } backoff)
        {
            return backoff;
        }

        try
        {
            await events.RecordAsync(pod, container.Name, PodEvents.Normal, "Pulling", $"Pulling image \"{image}\"", cancellationToken);
            await runtime.PullImageAsync(image, cancellationToken);
            pulls.Succeeded(key);
            await events.RecordAsync(pod, container.Name, PodEvents.Normal, "Pulled", $"Successfully pulled image \"{image}\"", cancellationToken);
            return null;
        }
        catch (RuntimeException e)
        {
            logger.LogWarning("Pulling {Image} for pod {Namespace}/{Pod} failed: {Message}", image, pod.Metadata.NamespaceProperty, pod.Metadata.Name, e.Message);
            await events.RecordAsync(pod, container.Name, PodEvents.Warning, "Failed", $"Failed to pull image \"{image}\": {e.Message}", cancellationToken);
            return pulls.Failed(key, image, e.Message);
        }
    }

    private async Task TerminateAsync(V1Pod pod, PodContainers containers, CancellationToken cancellationToken)
    {
        var grace = TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30);
        var apps = containers.All.Where(c => c != containers.Sandbox && c.State == ContainerRunState.Running);
        await Task.WhenAll(apps.Select(c => StopGracefullyAsync(pod, c, grace, cancellationToken)));
        foreach (var container in containers.All)
        {
            await runtime.RemoveAsync(container.Id, cancellationToken);
        }

        logger.LogInformation("Pod {Namespace}/{Pod} terminated; confirming its deletion", pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        try
        {
            await api.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } },
                cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Already gone, or a new pod of the same name: nothing of ours is left to confirm.
        }
    }

    // The preStop hook, then SIGTERM, then SIGKILL: all within one grace period, as the kubelet counts it.
    private async Task StopGracefullyAsync(V1Pod pod, RuntimeContainer running, TimeSpan grace, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var spec = pod.Spec.Containers.FirstOrDefault(c => c.Name == running.Label(WellKnown.ContainerLabels.ContainerName));
        if (spec?.Lifecycle?.PreStop is { } hook && grace > TimeSpan.Zero)
        {
            var podIp = pod.Spec.HostNetwork == true ? options.BindAddress : pod.Status?.PodIP;
            var outcome = await hooks.RunHookAsync(hook, spec, running.Id, podIp, grace, cancellationToken);
            if (!outcome.Success)
            {
                logger.LogWarning("preStop hook of container {Container} in pod {Namespace}/{Pod} failed: {Message}",
                    spec.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Name, outcome.Message);
            }
        }

        if (spec is not null)
        {
            await events.RecordAsync(pod, spec.Name, PodEvents.Normal, "Killing", $"Stopping container {spec.Name}", cancellationToken);
        }

        var left = grace - (clock.GetUtcNow() - started);
        await runtime.StopAsync(running.Id, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
    }

    private async Task WriteStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        if (JsonSerializer.Serialize(status) == JsonSerializer.Serialize(pod.Status))
        {
            return;
        }

        // The pod is the pod loop's cached copy, shared with the next pass: the write goes out on a new object.
        var updated = new V1Pod { ApiVersion = pod.ApiVersion, Kind = pod.Kind, Metadata = pod.Metadata, Spec = pod.Spec, Status = status };
        try
        {
            await api.CoreV1.ReplaceNamespacedPodStatusAsync(updated, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // The pod changed or went away meanwhile; the next sync reads it again.
        }
    }

    /// <summary>What every container of a pod starts with: its sandbox, the pod's IP and its volumes once set up.</summary>
    private sealed record StartContext(string SandboxId, string? PodIp, IReadOnlyDictionary<string, VolumeSource>? Volumes);

    private Dictionary<string, string> Labels(V1Pod pod, string container, int restart, bool sandbox) => new()
    {
        [WellKnown.ContainerLabels.Node] = options.NodeName,
        [WellKnown.ContainerLabels.PodName] = pod.Metadata.Name,
        [WellKnown.ContainerLabels.PodNamespace] = pod.Metadata.NamespaceProperty,
        [WellKnown.ContainerLabels.PodUid] = pod.Metadata.Uid,
        [WellKnown.ContainerLabels.ContainerName] = container,
        [WellKnown.ContainerLabels.RestartCount] = restart.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [WellKnown.ContainerLabels.Sandbox] = sandbox ? "true" : "false",
    };
}
