namespace KubePS.NodeService.Runtime;

/// <summary>What the node service asks of a container runtime. Docker is the one implementation; the pod logic never sees Docker types.</summary>
public interface IContainerRuntime
{
    /// <summary>The runtime as Kubernetes reports it: <c>docker://20.10.24</c>.</summary>
    Task<string> VersionAsync(CancellationToken cancellationToken);

    Task<bool> HasImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>The images the runtime holds, largest first, with their names and sizes (for the Node's status).</summary>
    Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>Pulls an image; throws <see cref="RuntimeException"/> with the registry's message when that fails.</summary>
    Task PullImageAsync(string image, CancellationToken cancellationToken);

    /// <summary>Loads the images of a <c>docker save</c> archive; returns what the runtime reported, one line per image.</summary>
    Task<IReadOnlyList<string>> LoadImagesAsync(Stream archive, CancellationToken cancellationToken);

    /// <summary>Creates and starts a container; returns its id.</summary>
    Task<string> RunAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>The network pods join: its subnet and the host's address on it (the gateway).</summary>
    Task<PodNetwork> PodNetworkAsync(CancellationToken cancellationToken);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken);

    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every container (running or not) labelled with this node's name, and with the pod's uid when one is given.</summary>
    Task<IReadOnlyList<RuntimeContainer>> ListAsync(string nodeName, string? podUid, CancellationToken cancellationToken);

    /// <summary>The container's stdout and stderr as one text stream.</summary>
    Task<Stream> LogsAsync(string id, LogRequest request, CancellationToken cancellationToken);

    /// <summary>A volume in memory (tmpfs) that every container of a pod can mount by its name; created once.</summary>
    Task EnsureMemoryVolumeAsync(string name, long? sizeBytes, IDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Removes this node's memory volumes whose pod is not among <paramref name="podUids"/>.</summary>
    Task RemoveMemoryVolumesAsync(string nodeName, IReadOnlySet<string> podUids, CancellationToken cancellationToken);

    /// <summary>A running container's cumulative CPU time and its memory working set, now; null when it is gone.</summary>
    Task<ResourceSample?> SampleAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Reports, until cancelled, the pod uid of every container of this node that starts, exits or is
    /// OOM-killed, from the runtime's event stream, so a pod is synced when its containers change.
    /// </summary>
    Task WatchContainerChangesAsync(string nodeName, Action<string> podChanged, CancellationToken cancellationToken);

    /// <summary>Starts a command in a running container (probes, hooks, pods/exec).</summary>
    Task<IExecSession> ExecAsync(string id, IList<string> command, bool stdin, bool tty, CancellationToken cancellationToken);
}

/// <summary>A running command in a container: its output by stream, its stdin, and its exit code.</summary>
public interface IExecSession : IAsyncDisposable
{
    /// <summary>The next piece of output, or null at the end of it.</summary>
    Task<ExecOutput?> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    void CloseStdin();

    /// <summary>Gives a TTY session's terminal a new size, in characters.</summary>
    Task ResizeAsync(int width, int height, CancellationToken cancellationToken);

    /// <summary>The exit code, once the output has ended.</summary>
    Task<long> ExitCodeAsync(CancellationToken cancellationToken);
}

/// <summary><see cref="Count"/> bytes of stdout, or of stderr when <see cref="Stderr"/>.</summary>
public readonly record struct ExecOutput(int Count, bool Stderr);

/// <summary>A failure the runtime reports in its own words (a failed pull, a refused create).</summary>
public sealed class RuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Everything needed to create one container of a pod.</summary>
public sealed record ContainerSpec(string Name, string Image)
{
    public IList<string>? Entrypoint { get; init; }

    public IList<string>? Command { get; init; }

    public IList<string> Environment { get; init; } = [];

    public string? WorkingDir { get; init; }

    public string? Hostname { get; init; }

    public IDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Set for a pod's app containers: the sandbox whose network, IPC (and PID) namespaces they join.</summary>
    public string? JoinSandbox { get; init; }

    public bool SharePidWithSandbox { get; init; }

    public long? MemoryLimitBytes { get; init; }

    public long? NanoCpus { get; init; }

    /// <summary>For a sandbox: the host's network namespace instead of its own (hostNetwork).</summary>
    public bool HostNetwork { get; init; }

    /// <summary>For a sandbox: its resolv.conf (the app containers share it); null keeps the runtime's default (the host's).</summary>
    public ResolverConfig? Resolver { get; init; }

    /// <summary><c>uid</c> or <c>uid:gid</c>; null keeps the image's user.</summary>
    public string? User { get; init; }

    public IList<string> SupplementalGroups { get; init; } = [];

    public bool ReadOnlyRootFilesystem { get; init; }

    public bool Privileged { get; init; }

    public IList<string> AddCapabilities { get; init; } = [];

    public IList<string> DropCapabilities { get; init; } = [];

    /// <summary>Host paths mounted into the container.</summary>
    public IList<Mount> Mounts { get; init; } = [];
}

/// <summary>A host folder or file bind-mounted into a container, or a tmpfs when <see cref="HostPath"/> is null.</summary>
public sealed record Mount(string? HostPath, string ContainerPath, bool ReadOnly, long? TmpfsSizeBytes = null);

public enum ContainerRunState
{
    Created,
    Running,
    Exited,
}

/// <summary>A container as the runtime sees it now.</summary>
public sealed record RuntimeContainer(
    string Id,
    string Name,
    string Image,
    string ImageId,
    IReadOnlyDictionary<string, string> Labels,
    ContainerRunState State,
    int ExitCode,
    bool OomKilled,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? IpAddress)
{
    public string? Label(string key) => Labels.TryGetValue(key, out var value) ? value : null;
}

public sealed record RuntimeImage(IReadOnlyList<string> Names, long SizeBytes);

/// <summary>One reading of a container's resource use.</summary>
public sealed record ResourceSample(DateTime Timestamp, ulong CpuNanoseconds, long MemoryWorkingSetBytes);

public sealed record LogRequest(bool Follow, int? TailLines, bool Timestamps, int? SinceSeconds = null);

/// <summary>What goes in a container's resolv.conf.</summary>
public sealed record ResolverConfig(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options);

/// <summary>The network pods get their addresses from, and the host's own address on it.</summary>
public sealed record PodNetwork(KubePS.Core.Networking.Ipv4Cidr Subnet, System.Net.IPAddress Gateway, string? BridgeInterface);
