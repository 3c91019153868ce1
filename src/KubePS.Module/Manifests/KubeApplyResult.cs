namespace KubePS.Module.Manifests;

/// <summary>What Publish-KubeManifest did to one object.</summary>
public enum ApplyAction
{
    Created,
    Configured,
    Unchanged,
}

/// <summary>One object of a manifest after Publish-KubeManifest: what was done and which fields changed.</summary>
public sealed class KubeApplyResult(
    ApplyAction action, string kind, string resource, string name, string? ns, IReadOnlyList<string> changedFields, string source, object? obj)
{
    public ApplyAction Action { get; } = action;

    public string Kind { get; } = kind;

    public string Name { get; } = name;

    public string? Namespace { get; } = ns;

    /// <summary>The fields the apply changed (spec.replicas, spec.template.spec.containers[0].image); empty for a new object.</summary>
    public IReadOnlyList<string> ChangedFields { get; } = changedFields;

    /// <summary>The manifest file the object came from.</summary>
    public string Source { get; } = source;

    /// <summary>The object as the server stored it.</summary>
    public object? Object { get; } = obj;

    /// <summary>As kubectl apply reports it: deployment.apps/web configured.</summary>
    public override string ToString() => $"{resource}/{Name} {Action.ToString().ToLowerInvariant()}";
}
