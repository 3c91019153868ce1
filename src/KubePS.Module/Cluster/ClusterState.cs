using System.Text.Json;

namespace KubePS.Module.Cluster;

/// <summary>What Start-KubeCluster recorded in the data folder, so later starts and stops find the same cluster.</summary>
public sealed record ClusterState(int EnginePort, IReadOnlyList<NodeSettings> Nodes)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The processes last started; the components also write their own pid files.</summary>
    public int? EnginePid { get; init; }

    /// <summary>The service range given to the engine and every node service; null for their default (10.96.0.0/12).</summary>
    public string? ServiceClusterIpRange { get; init; }

    public static ClusterState? Read(ClusterLayout layout) =>
        File.Exists(layout.StateFile) ? JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(layout.StateFile), Options) : null;

    public void Write(ClusterLayout layout) => File.WriteAllText(layout.StateFile, JsonSerializer.Serialize(this, Options));
}

/// <summary>One node service of a local cluster.</summary>
public sealed record NodeSettings(string Name, int Port)
{
    public int? Pid { get; init; }
}
