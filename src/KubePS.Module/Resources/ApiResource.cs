namespace KubePS.Module.Resources;

/// <summary>One resource the server serves, as its discovery documents describe it.</summary>
public sealed record ApiResource(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Verbs)
{
    /// <summary>apiVersion as objects carry it: "v1" or "apps/v1".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource as kubectl names it in its output: "deployment.apps", "pod".</summary>
    public string Label => Group.Length == 0 ? Kind.ToLowerInvariant() : $"{Kind.ToLowerInvariant()}.{Group}";

    /// <summary>
    /// The path of the collection or of one object: /api/v1/namespaces/ns/pods/name. A namespaced
    /// resource without a namespace is the collection across all namespaces.
    /// </summary>
    public string PathOf(string? ns, string? name = null)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var scope = Namespaced && ns is not null ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{root}/{Plural}";
        return name is null ? scope : $"{scope}/{Uri.EscapeDataString(name)}";
    }

    /// <summary>Whether a name the user typed names this resource: kind, plural, singular, short name, each optionally ".group".</summary>
    public bool IsNamedBy(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && !string.Equals(name[(dot + 1)..], Group, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var bare = dot > 0 ? name[..dot] : name;
        return string.Equals(bare, Kind, StringComparison.OrdinalIgnoreCase)
            || string.Equals(bare, Plural, StringComparison.OrdinalIgnoreCase)
            || string.Equals(bare, Singular, StringComparison.OrdinalIgnoreCase)
            || ShortNames.Contains(bare, StringComparer.OrdinalIgnoreCase);
    }
}
