using k8s;

namespace KubePS.Module.Session;

/// <summary>The cluster a session talks to: its client, its default namespace and where it came from.</summary>
public sealed record KubeConnection(IKubernetes Client, string Server, string Namespace, string KubeConfigPath, string? Context);
