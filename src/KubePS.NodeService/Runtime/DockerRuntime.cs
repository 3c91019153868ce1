using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using KubePS.Core.Kinds;

namespace KubePS.NodeService.Runtime;

/// <summary>The container runtime on a Docker Engine (API 1.41 and later) through Docker.DotNet.</summary>
public sealed class DockerRuntime(DockerClient docker) : IContainerRuntime, IDisposable
{
    public static string DefaultEndpoint => OperatingSystem.IsWindows() ? "npipe://./pipe/docker_engine" : "unix:///var/run/docker.sock";

    public static DockerRuntime Connect(string endpoint) =>
        new(new DockerClientConfiguration(new Uri(endpoint)).CreateClient());

    public async Task<string> VersionAsync(CancellationToken cancellationToken) =>
        "docker://" + (await docker.System.GetVersionAsync(cancellationToken)).Version;

    public async Task<bool> HasImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken);
        return images
            .Select(i => new RuntimeImage((i.RepoTags ?? []).Where(t => t != "<none>:<none>").Concat(i.RepoDigests ?? []).Append(i.ID).ToList(), i.Size))
            .OrderByDescending(i => i.SizeBytes)
            .ToList();
    }

    public async Task PullImageAsync(string image, CancellationToken cancellationToken)
    {
        var (name, tag) = SplitTag(image);
        string? failure = null;
        try
        {
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = name, Tag = tag },
                new AuthConfig(),
                new Reported<JSONMessage>(m => failure ??= m.ErrorMessage is { Length: > 0 } e ? e : m.Error?.Message),
                cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new RuntimeException(e.ResponseBody is { Length: > 0 } body ? MessageOf(body) : e.Message, e);
        }

        if (failure is not null || !await HasImageAsync(image, cancellationToken))
        {
            throw new RuntimeException(failure ?? $"pull of {image} did not produce the image");
        }
    }

    public async Task<IReadOnlyList<string>> LoadImagesAsync(Stream archive, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        string? failure = null;
        try
        {
            await docker.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive,
                new Reported<JSONMessage>(m =>
                {
                    if (m.Error?.Message is { Length: > 0 } error)
                    {
                        failure ??= error;
                    }
                    else if (m.Stream?.Trim() is { Length: > 0 } line)
                    {
                        lines.Add(line);
                    }
                }), cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new RuntimeException(e.ResponseBody is { Length: > 0 } body ? MessageOf(body) : e.Message, e);
        }

        return failure is null ? lines : throw new RuntimeException(failure);
    }

    public async Task<PodNetwork> PodNetworkAsync(CancellationToken cancellationToken)
    {
        // Pods run on Docker's default bridge network.
        var bridge = await docker.Networks.InspectNetworkAsync("bridge", cancellationToken);
        var config = bridge.IPAM.Config.First(c => !string.IsNullOrEmpty(c.Subnet) && !c.Subnet.Contains(':'));
        bridge.Options.TryGetValue("com.docker.network.bridge.name", out var bridgeName);
        return new PodNetwork(KubePS.Core.Networking.Ipv4Cidr.Parse(config.Subnet), System.Net.IPAddress.Parse(config.Gateway), bridgeName);
    }

    public async Task<string> RunAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var sandbox = spec.JoinSandbox is { } id ? $"container:{id}" : null;
        var network = sandbox ?? (spec.HostNetwork ? "host" : null);
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Entrypoint = spec.Entrypoint,
            Cmd = spec.Command,
            Env = spec.Environment,
            WorkingDir = spec.WorkingDir,
            Hostname = network is null ? spec.Hostname : null,
            User = spec.User,
            Labels = new Dictionary<string, string>(spec.Labels),
            HostConfig = new HostConfig
            {
                // docker-init as PID 1 forwards SIGTERM; busybox sleep as PID 1 would ignore it.
                Init = true,
                NetworkMode = network,
                IpcMode = sandbox ?? "shareable",
                PidMode = spec.SharePidWithSandbox ? sandbox : null,
                Memory = spec.MemoryLimitBytes ?? 0,
                NanoCPUs = spec.NanoCpus ?? 0,
                GroupAdd = spec.SupplementalGroups.Count > 0 ? spec.SupplementalGroups : null,
                ReadonlyRootfs = spec.ReadOnlyRootFilesystem,
                Privileged = spec.Privileged,
                CapAdd = spec.AddCapabilities.Count > 0 ? spec.AddCapabilities : null,
                CapDrop = spec.DropCapabilities.Count > 0 ? spec.DropCapabilities : null,
                // Docker writes resolv.conf only for a container with its own network namespace.
                DNS = network is null ? spec.Resolver?.Nameservers.ToList() : null,
                DNSSearch = network is null ? spec.Resolver?.Searches.ToList() : null,
                DNSOptions = network is null ? spec.Resolver?.Options.ToList() : null,
                Binds = spec.Mounts.Where(m => m.HostPath is not null).Select(m => $"{m.HostPath}:{m.ContainerPath}{(m.ReadOnly ? ":ro" : "")}").ToList(),
                Tmpfs = spec.Mounts.Where(m => m.HostPath is null)
                    .ToDictionary(m => m.ContainerPath, m => m.TmpfsSizeBytes is { } size ? $"size={size}" : ""),
            },
        };
        try
        {
            var created = await docker.Containers.CreateContainerAsync(parameters, cancellationToken);
            try
            {
                await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            }
            catch (DockerApiException)
            {
                // A container left in "created" would look like one about to start, and the pod would wait on it forever.
                await RemoveAsync(created.ID, CancellationToken.None);
                throw;
            }

            return created.ID;
        }
        catch (DockerApiException e)
        {
            throw new RuntimeException(e.ResponseBody is { Length: > 0 } body ? MessageOf(body) : e.Message, e);
        }
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, grace.TotalSeconds) }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async Task<IReadOnlyList<RuntimeContainer>> ListAsync(string nodeName, string? podUid, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [$"{WellKnown.ContainerLabels.Node}={nodeName}"] = true };
        if (podUid is not null)
        {
            labels[$"{WellKnown.ContainerLabels.PodUid}={podUid}"] = true;
        }

        var listed = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        }, cancellationToken);

        var result = new List<RuntimeContainer>();
        foreach (var item in listed)
        {
            try
            {
                var inspect = await docker.Containers.InspectContainerAsync(item.ID, cancellationToken);
                result.Add(ToRuntimeContainer(inspect));
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed between the list and the inspect.
            }
        }

        return result;
    }

    public async Task<Stream> LogsAsync(string id, LogRequest request, CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = request.Follow,
            Timestamps = request.Timestamps,
            Tail = request.TailLines is { } tail ? tail.ToString(CultureInfo.InvariantCulture) : "all",
            Since = request.SinceSeconds is { } since ? DateTimeOffset.UtcNow.AddSeconds(-since).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : null,
        };
        var multiplexed = await docker.Containers.GetContainerLogsAsync(id, tty: false, parameters, cancellationToken);
        return new DemultiplexedStream(multiplexed);
    }

    public async Task EnsureMemoryVolumeAsync(string name, long? sizeBytes, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs" };
        if (sizeBytes is { } size)
        {
            options["o"] = "size=" + size.ToString(CultureInfo.InvariantCulture);
        }

        // Creating a volume that exists with the same options is a no-op for Docker's local driver.
        await docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", DriverOpts = options, Labels = labels }, cancellationToken);
    }

    public async Task RemoveMemoryVolumesAsync(string nodeName, IReadOnlySet<string> podUids, CancellationToken cancellationToken)
    {
        var listed = await docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{WellKnown.ContainerLabels.Node}={nodeName}"] = true } },
        }, cancellationToken);
        foreach (var volume in listed.Volumes ?? [])
        {
            if (volume.Labels?.TryGetValue(WellKnown.ContainerLabels.PodUid, out var uid) == true && !podUids.Contains(uid))
            {
                try
                {
                    await docker.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken);
                }
                catch (DockerApiException)
                {
                    // Still mounted by a container on its way out; the next pass removes it.
                }
            }
        }
    }

    public async Task<ResourceSample?> SampleAsync(string id, CancellationToken cancellationToken)
    {
        ContainerStatsResponse? stats = null;
        try
        {
            await docker.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false, OneShot = true },
                new Reported<ContainerStatsResponse>(s => stats = s), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        if (stats?.CPUStats?.CPUUsage is not { } cpu || stats.MemoryStats is not { } memory)
        {
            return null;
        }

        // The working set, as the kubelet reports it: usage less the inactive file cache (cgroup v2, then v1 names).
        var inactive = memory.Stats?.TryGetValue("inactive_file", out var v2) == true ? v2
            : memory.Stats?.TryGetValue("total_inactive_file", out var v1) == true ? v1 : 0UL;
        var workingSet = memory.Usage > inactive ? memory.Usage - inactive : 0UL;
        return new ResourceSample(stats.Read == default ? DateTime.UtcNow : stats.Read.ToUniversalTime(), cpu.TotalUsage, (long)workingSet);
    }

    public Task WatchContainerChangesAsync(string nodeName, Action<string> podChanged, CancellationToken cancellationToken) =>
        docker.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["type"] = new Dictionary<string, bool> { ["container"] = true },
                    ["event"] = new Dictionary<string, bool> { ["start"] = true, ["die"] = true, ["oom"] = true },
                    ["label"] = new Dictionary<string, bool> { [$"{WellKnown.ContainerLabels.Node}={nodeName}"] = true },
                },
            },
            new Reported<Message>(m =>
            {
                if (m.Actor?.Attributes?.TryGetValue(WellKnown.ContainerLabels.PodUid, out var uid) == true)
                {
                    podChanged(uid);
                }
            }),
            cancellationToken);

    public async Task<IExecSession> ExecAsync(string id, IList<string> command, bool stdin, bool tty, CancellationToken cancellationToken)
    {
        try
        {
            var created = await docker.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
            {
                Cmd = command,
                AttachStdin = stdin,
                AttachStdout = true,
                AttachStderr = true,
                Tty = tty,
            }, cancellationToken);
            var stream = await docker.Exec.StartAndAttachContainerExecAsync(created.ID, tty, cancellationToken);
            return new DockerExecSession(docker, created.ID, stream);
        }
        catch (DockerApiException e)
        {
            throw new RuntimeException(e.ResponseBody is { Length: > 0 } body ? MessageOf(body) : e.Message, e);
        }
    }

    public void Dispose() => docker.Dispose();

    // Progress<T> posts to the thread pool and may run after the call returns; this reports on the spot.
    private sealed class Reported<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class DockerExecSession(DockerClient docker, string execId, MultiplexedStream stream) : IExecSession
    {
        public async Task<ExecOutput?> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var array = new byte[buffer.Length];
            var read = await stream.ReadOutputAsync(array, 0, array.Length, cancellationToken);
            if (read.EOF)
            {
                return null;
            }

            array.AsMemory(0, read.Count).CopyTo(buffer);
            return new ExecOutput(read.Count, read.Target == MultiplexedStream.TargetStream.StandardError);
        }

        public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            stream.WriteAsync(data.ToArray(), 0, data.Length, cancellationToken);

        public void CloseStdin() => stream.CloseWrite();

        public Task ResizeAsync(int width, int height, CancellationToken cancellationToken) =>
            docker.Exec.ResizeContainerExecTtyAsync(execId, new ContainerResizeParameters { Width = width, Height = height }, cancellationToken);

        public async Task<long> ExitCodeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var inspect = await docker.Exec.InspectContainerExecAsync(execId, cancellationToken);
                if (!inspect.Running)
                {
                    return inspect.ExitCode;
                }

                await Task.Delay(20, cancellationToken);
            }
        }

        public ValueTask DisposeAsync()
        {
            stream.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static RuntimeContainer ToRuntimeContainer(ContainerInspectResponse inspect)
    {
        var state = inspect.State;
        var runState = state.Running ? ContainerRunState.Running : state.Status == "created" ? ContainerRunState.Created : ContainerRunState.Exited;
        return new RuntimeContainer(
            inspect.ID,
            inspect.Name.TrimStart('/'),
            inspect.Config.Image,
            inspect.Image,
            new Dictionary<string, string>(inspect.Config.Labels ?? new Dictionary<string, string>()),
            runState,
            (int)state.ExitCode,
            state.OOMKilled,
            ParseTime(state.StartedAt),
            ParseTime(state.FinishedAt),
            inspect.NetworkSettings?.IPAddress is { Length: > 0 } ip ? ip : null);
    }

    // Docker writes RFC 3339 with nanoseconds and "0001-01-01T00:00:00Z" for never.
    private static DateTime? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.StartsWith("0001-", StringComparison.Ordinal))
        {
            return null;
        }

        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = text.IndexOfAny(['Z', '+', '-'], dot);
            var fraction = text[(dot + 1)..(end < 0 ? text.Length : end)];
            text = text[..(dot + 1)] + fraction[..Math.Min(7, fraction.Length)] + (end < 0 ? "" : text[end..]);
        }

        return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    private static (string Name, string Tag) SplitTag(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    private static string MessageOf(string body)
    {
        try
        {
            return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("message").GetString() ?? body;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Trim();
        }
    }
}
