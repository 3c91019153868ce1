using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Module.Errors;
using KubePS.Module.Resources;
using KubePS.Module.Session;

namespace KubePS.Module.Manifests;

/// <summary>How Publish-KubeManifest applies: client-side like kubectl apply, or server-side apply.</summary>
public sealed record ApplySettings(string? Namespace, bool ServerSide, bool Force, string FieldManager);

/// <summary>
/// What applying one manifest object will do, worked out with a server-side dry run (so the plan
/// is validated and its changed fields are the server's, defaults included), and the request that
/// then does it.
/// </summary>
public sealed class ApplyPlan
{
    private readonly Func<WriteOptions, CancellationToken, Task<JsonObject>> _send;
    private readonly WriteOptions _options;

    private ApplyPlan(ApiResource resource, string? ns, string name, ApplyAction action, IReadOnlyList<string> changedFields,
        Func<WriteOptions, CancellationToken, Task<JsonObject>> send, WriteOptions options)
    {
        Resource = resource;
        Namespace = ns;
        Name = name;
        Action = action;
        ChangedFields = changedFields;
        _send = send;
        _options = options;
    }

    public ApiResource Resource { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public ApplyAction Action { get; }

    public IReadOnlyList<string> ChangedFields { get; }

    /// <summary>Plans applying <paramref name="manifest"/>: reads the live object and dry-runs the change.</summary>
    public static async Task<ApplyPlan> CreateAsync(KubeConnection connection, ManifestObject manifest, ApplySettings settings, CancellationToken cancellationToken)
    {
        var json = (JsonObject)manifest.Json.DeepClone();
        var resource = await connection.Resources.ResolveAsync((string)json["apiVersion"]!, (string)json["kind"]!, cancellationToken);
        var name = (string)json["metadata"]!["name"]!;
        var ns = NamespaceOf(resource, json, settings.Namespace ?? connection.Namespace, settings.Namespace is not null);
        var live = await ReadLiveAsync(connection.Client, resource, ns, name, cancellationToken);
        var options = new WriteOptions(FieldManager: settings.FieldManager, Force: settings.ServerSide && settings.Force);

        Func<WriteOptions, CancellationToken, Task<JsonObject>> send;
        if (settings.ServerSide)
        {
            var body = json.ToJsonString();
            send = (o, ct) => connection.Client.PatchAsync(resource, ns, name, body, "application/apply-patch+yaml", o, ct);
        }
        else if (live is null)
        {
            var body = LastApplied.Annotate(json);
            send = (o, ct) => connection.Client.CreateAsync(resource, ns, body, o, ct);
        }
        else
        {
            var patch = ThreeWayPatch.Compute(LastApplied.Of(live), LastApplied.Annotate(json), live);
            if (patch.Count == 0)
            {
                return new ApplyPlan(resource, ns, name, ApplyAction.Unchanged, [], (_, _) => Task.FromResult(live), options);
            }

            var body = patch.ToJsonString();
            send = (o, ct) => connection.Client.PatchAsync(resource, ns, name, body, "application/merge-patch+json", o, ct);
        }

        var planned = await send(options with { DryRun = true }, cancellationToken);
        if (live is null)
        {
            return new ApplyPlan(resource, ns, name, ApplyAction.Created, [], send, options);
        }

        var changed = ThreeWayPatch.ChangedFields(live, planned, IsServerField);
        var action = changed.Count > 0 || !settings.ServerSide ? ApplyAction.Configured : ApplyAction.Unchanged;
        return new ApplyPlan(resource, ns, name, action, changed, action == ApplyAction.Unchanged ? (_, _) => Task.FromResult(live) : send, options);
    }

    /// <summary>Makes the planned change on the server and returns the object as stored.</summary>
    public Task<JsonObject> ExecuteAsync(CancellationToken cancellationToken) => _send(_options, cancellationToken);

    // What the server changes on every write, and the annotation that only records the manifest.
    private static bool IsServerField(string path) =>
        path is "metadata.resourceVersion" or "metadata.generation" or "metadata.managedFields" or "status"
        || path.StartsWith("metadata.managedFields", StringComparison.Ordinal)
        || path.StartsWith("status.", StringComparison.Ordinal)
        || path == "metadata.annotations." + LastApplied.Annotation;

    private static string? NamespaceOf(ApiResource resource, JsonObject json, string ns, bool given)
    {
        var metadata = (JsonObject)json["metadata"]!;
        if (!resource.Namespaced)
        {
            return null;
        }

        if ((string?)metadata["namespace"] is { Length: > 0 } own)
        {
            if (given && own != ns)
            {
                throw new KubeException(Messages.NamespaceMismatch(own, ns), null, ErrorIds.Invalid, ErrorCategory.InvalidArgument);
            }

            return own;
        }

        metadata["namespace"] = ns;
        return ns;
    }

    private static async Task<JsonObject?> ReadLiveAsync(KubeClient client, ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(resource, ns, name, cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
    }
}
