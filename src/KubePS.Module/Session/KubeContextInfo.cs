namespace KubePS.Module.Session;

/// <summary>One context of a kubeconfig file, as Get-KubeContext lists it.</summary>
public sealed record KubeContextInfo(string Name, string? Cluster, string? Server, string? User, string Namespace, string KubeConfig, bool Current);

/// <summary>The cluster the session is connected to, as Get-KubeCluster reports it.</summary>
public sealed record KubeConnectionInfo(
    string Server, string? Version, string? Context, string Namespace, string? KubeConfig, string? DataPath, IReadOnlyList<string> Nodes);
