using System.Management.Automation;
using System.Text.Json;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Resources;

/// <summary>
/// The resources a server serves, read from its discovery documents (/api/v1, /apis and each
/// group's preferred version) once per connection, and read again when a name is not found, so a
/// kind added later (a CustomResourceDefinition) is found without reconnecting.
/// </summary>
public sealed class ResourceCatalog(KubeClient client)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<ApiResource>? _resources;

    /// <summary>Every resource, discovered on first use.</summary>
    public async Task<IReadOnlyList<ApiResource>> AllAsync(CancellationToken cancellationToken) =>
        _resources ?? await DiscoverAsync(cancellationToken);

    /// <summary>The resource a kind, plural, singular or short name (with an optional ".group") names.</summary>
    public Task<ApiResource> ResolveAsync(string name, CancellationToken cancellationToken) =>
        FindAsync(r => r.IsNamedBy(name), () => Messages.UnknownKind(name), cancellationToken);

    /// <summary>The resource of an object's apiVersion and kind, as manifests name it.</summary>
    public Task<ApiResource> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken) =>
        FindAsync(r => r.ApiVersion == apiVersion && r.Kind == kind, () => Messages.UnknownApiKind(apiVersion, kind), cancellationToken);

    // Several versions of one group may serve a kind; the preferred version comes first, and so wins.
    // A miss reads discovery again before giving up: the kind may have been added since.
    private async Task<ApiResource> FindAsync(Func<ApiResource, bool> predicate, Func<string> unknown, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).FirstOrDefault(predicate)
        ?? (await DiscoverAsync(cancellationToken)).FirstOrDefault(predicate)
        ?? throw new KubeException(unknown(), null, ErrorIds.UnknownKind, ErrorCategory.InvalidArgument);

    private async Task<IReadOnlyList<ApiResource>> DiscoverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var found = new List<ApiResource>();
            found.AddRange(await ReadGroupVersionAsync("", "v1", "/api/v1", cancellationToken));
            using var groups = JsonDocument.Parse(await client.SendForTextAsync(HttpMethod.Get, "/apis", null, null, cancellationToken));
            foreach (var group in groups.RootElement.GetProperty("groups").EnumerateArray())
            {
                var name = group.GetProperty("name").GetString()!;
                var preferred = group.TryGetProperty("preferredVersion", out var p) ? p.GetProperty("version").GetString() : null;
                var versions = group.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()!)
                    .OrderBy(v => v == preferred ? 0 : 1).ToList();
                foreach (var version in versions)
                {
                    found.AddRange(await ReadGroupVersionAsync(name, version, $"/apis/{name}/{version}", cancellationToken));
                }
            }

            _resources = found;
            return found;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IEnumerable<ApiResource>> ReadGroupVersionAsync(string group, string version, string path, CancellationToken cancellationToken)
    {
        using var list = JsonDocument.Parse(await client.SendForTextAsync(HttpMethod.Get, path, null, null, cancellationToken));
        return list.RootElement.GetProperty("resources").EnumerateArray()
            .Where(r => !r.GetProperty("name").GetString()!.Contains('/', StringComparison.Ordinal))
            .Select(r => new ApiResource(
                group,
                version,
                r.GetProperty("kind").GetString()!,
                r.GetProperty("name").GetString()!,
                r.TryGetProperty("singularName", out var s) && s.GetString() is { Length: > 0 } singular ? singular : r.GetProperty("kind").GetString()!.ToLowerInvariant(),
                r.GetProperty("namespaced").GetBoolean(),
                Strings(r, "shortNames"),
                Strings(r, "verbs")))
            .ToList();
    }

    private static IReadOnlyList<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [];
}
