namespace KubePS.Module.Cluster;

/// <summary>What Start-KubeCluster reports about the cluster it runs.</summary>
public sealed record KubeClusterInfo(string DataPath, string Server, string KubeConfig, int? EnginePid, IReadOnlyList<string> Nodes);
