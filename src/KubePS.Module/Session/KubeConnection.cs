namespace KubePS.Module.Session;

/// <summary>The cluster a session talks to: its client, its default namespace and where it came from.</summary>
public sealed record KubeConnection(KubeClient Client, string Server, string Namespace, string? KubeConfigPath, string? Context)
{
    /// <summary>The resources the server serves, from its discovery documents.</summary>
    public Resources.ResourceCatalog Resources { get; } = new(Client);
}
