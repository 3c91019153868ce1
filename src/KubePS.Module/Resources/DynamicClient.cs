using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubePS.Module.Session;

namespace KubePS.Module.Resources;

/// <summary>What a request changes on the server: really, or only a server-side dry run (validated, not stored).</summary>
public sealed record WriteOptions(bool DryRun = false, string? FieldManager = null, bool Force = false)
{
    public string Query()
    {
        var parts = new List<string>();
        if (DryRun)
        {
            parts.Add("dryRun=All");
        }

        if (FieldManager is not null)
        {
            parts.Add("fieldManager=" + Uri.EscapeDataString(FieldManager));
        }

        if (Force)
        {
            parts.Add("force=true");
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}

/// <summary>Reads and writes objects of any resource the catalog found, as JSON.</summary>
public static class DynamicClient
{
    public static async Task<IReadOnlyList<JsonObject>> ListAsync(
        this KubeClient client, ApiResource resource, string? ns, string? labelSelector, string? fieldSelector, CancellationToken cancellationToken)
    {
        var list = await ReadAsync(client, HttpMethod.Get, resource.PathOf(ns) + Selectors(labelSelector, fieldSelector), null, null, cancellationToken);
        return list["items"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
    }

    public static Task<JsonObject> GetAsync(this KubeClient client, ApiResource resource, string? ns, string name, CancellationToken cancellationToken) =>
        ReadAsync(client, HttpMethod.Get, resource.PathOf(ns, name), null, null, cancellationToken);

    public static Task<JsonObject> CreateAsync(
        this KubeClient client, ApiResource resource, string? ns, JsonObject body, WriteOptions options, CancellationToken cancellationToken) =>
        ReadAsync(client, HttpMethod.Post, resource.PathOf(ns) + options.Query(), body.ToJsonString(), "application/json", cancellationToken);

    public static Task<JsonObject> PatchAsync(
        this KubeClient client, ApiResource resource, string? ns, string name, string patch, string contentType, WriteOptions options, CancellationToken cancellationToken) =>
        ReadAsync(client, HttpMethod.Patch, resource.PathOf(ns, name) + options.Query(), patch, contentType, cancellationToken);

    /// <summary>Deletes an object; returns it when the server answers with the object (still terminating, or as deleted), null for a Status.</summary>
    public static async Task<JsonObject?> DeleteAsync(this KubeClient client, ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(client, HttpMethod.Delete, resource.PathOf(ns, name), null, null, cancellationToken);
        return (string?)answer["kind"] == "Status" ? null : answer;
    }

    /// <summary>
    /// Watches a collection (one object with a name), event by event, until the server ends the
    /// watch or the token is cancelled. Without a resourceVersion the server first sends ADDED for
    /// what exists.
    /// </summary>
    public static async IAsyncEnumerable<(string Type, JsonObject Object)> WatchAsync(
        this KubeClient client, ApiResource resource, string? ns, string? name, string? labelSelector, string? resourceVersion,
        int? timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new List<string> { "watch=true", "allowWatchBookmarks=false" };
        if (name is not null)
        {
            query.Add("fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name));
        }

        if (labelSelector is not null)
        {
            query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
        }

        if (resourceVersion is not null)
        {
            query.Add("resourceVersion=" + Uri.EscapeDataString(resourceVersion));
        }

        if (timeoutSeconds is { } seconds)
        {
            query.Add("timeoutSeconds=" + seconds);
        }

        using var response = await client.SendAsync(HttpMethod.Get, resource.PathOf(ns) + "?" + string.Join('&', query), null, null, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject watchEvent)
            {
                continue;
            }

            if (watchEvent["type"]?.GetValue<string>() is { } type && watchEvent["object"] is JsonObject obj)
            {
                yield return (type, (JsonObject)obj.DeepClone());
            }
        }
    }

    private static async Task<JsonObject> ReadAsync(
        KubeClient client, HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken) =>
        JsonNode.Parse(await client.SendForTextAsync(method, path, body, contentType, cancellationToken))!.AsObject();

    private static string Selectors(string? labelSelector, string? fieldSelector)
    {
        var parts = new List<string>();
        if (labelSelector is not null)
        {
            parts.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
        }

        if (fieldSelector is not null)
        {
            parts.Add("fieldSelector=" + Uri.EscapeDataString(fieldSelector));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
