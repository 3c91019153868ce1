using KubePS.Core.Kinds;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>A request on a resource path: which kind, namespace, name and subresource it addresses.</summary>
public sealed record ResourceRequest(KindInfo Kind, string? Namespace, string? Name, string? Subresource, IQueryCollection Query)
{
    /// <summary>The version the client asked for; objects are converted to it from the kind's storage version.</summary>
    public string Version { get; init; } = Kind.Version;

    public string ApiVersion => Kind.Group.Length == 0 ? Version : $"{Kind.Group}/{Version}";

    public bool Flag(string key) => Query[key].ToString() is "true" or "1" or "True";

    public string? Value(string key) => Query.TryGetValue(key, out var v) && v.ToString().Length > 0 ? v.ToString() : null;

    public bool DryRun => Query["dryRun"].ToString() == "All";

    /// <summary>
    /// Parses <c>/api/v1/...</c> or <c>/apis/{group}/{version}/...</c>. Returns null for a discovery
    /// path (no resource) and throws NotFound for a resource the registry does not serve.
    /// </summary>
    public static ResourceRequest? Parse(PathString path, IQueryCollection query)
    {
        var segments = (path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        int at;
        if (segments is ["api", var v, ..])
        {
            (group, version, at) = ("", v, 2);
        }
        else if (segments is ["apis", var g, var v2, ..])
        {
            (group, version, at) = (g, v2, 3);
        }
        else
        {
            return null;
        }

        var rest = segments[at..];
        if (rest.Length == 0)
        {
            return null;
        }

        string? ns = null;
        if (rest is ["namespaces", var nsName, var resource, ..] && KindRegistry.Find(group, version, resource) is { Namespaced: true })
        {
            ns = Uri.UnescapeDataString(nsName);
            rest = rest[2..];
        }

        if (rest.Length > 3)
        {
            throw ApiException.PathNotFound();
        }

        var kind = KindRegistry.Find(group, version, rest[0]) ?? throw ApiException.PathNotFound();
        var name = rest.Length > 1 ? Uri.UnescapeDataString(rest[1]) : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if (subresource is not null && !kind.Subresources.Contains(subresource))
        {
            throw ApiException.PathNotFound();
        }

        // resourceVersion is opaque to clients, but this engine only ever hands out non-negative integers.
        if (query.TryGetValue("resourceVersion", out var rv) && rv.ToString() is { Length: > 0 } text && !ulong.TryParse(text, out _))
        {
            throw ApiException.BadRequest($"invalid resourceVersion \"{text}\"");
        }

        return new ResourceRequest(kind, ns, name, subresource, query) { Version = version };
    }
}
