using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Admission;
using KubePS.Engine.Api.Patch;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Api;

/// <summary>What a delete did: removed the object, or only marked it (graceful deletion, finalizers).</summary>
public sealed record DeleteOutcome(JsonObject Object, bool Removed);

/// <summary>
/// The registry layer between the HTTP API (and the engine's own loops) and the store: server-set
/// metadata, defaulting, validation, namespace lifecycle, optimistic concurrency, graceful deletion.
/// </summary>
public sealed partial class ObjectService(IObjectStore store, TimeProvider clock, ServiceAllocator services)
{
    // Kubernetes retries a patch without a resourceVersion until it applies; this bounds it against a livelock.
    private const int PatchAttempts = 64;

    public IObjectStore Store => store;

    public async Task<JsonObject> GetAsync(KindInfo kind, string? ns, string name, CancellationToken cancellationToken) =>
        await store.GetAsync(kind, ns, name, cancellationToken) ?? throw ApiException.NotFound(kind, name);

    public async Task<StoreList> ListAsync(KindInfo kind, string? ns, LabelSelector labels, FieldSelector fields, CancellationToken cancellationToken)
    {
        CheckFieldSelector(kind, fields);
        var list = await store.ListAsync(kind, ns, cancellationToken);
        return list with { Items = list.Items.Where(o => Matches(o, labels, fields)).ToList() };
    }

    public static void CheckFieldSelector(KindInfo kind, FieldSelector fields)
    {
        foreach (var requirement in fields.Requirements.Where(r => !kind.SupportsFieldLabel(r.Field)))
        {
            throw ApiException.BadRequest($"field label not supported: {requirement.Field}");
        }
    }

    public static bool Matches(JsonObject obj, LabelSelector labels, FieldSelector fields)
    {
        if (!labels.IsEmpty)
        {
            var map = obj["metadata"]?["labels"] is JsonObject l
                ? l.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "")
                : null;
            if (!labels.Matches(map))
            {
                return false;
            }
        }

        return fields.Matches(path => FieldValue(obj, path));
    }

    /// <summary>Creates an object; a <paramref name="fieldManager"/> (API writes have one) is recorded as the owner of what it set.</summary>
    public async Task<JsonObject> CreateAsync(KindInfo kind, string? ns, JsonObject body, bool dryRun, CancellationToken cancellationToken, string? fieldManager = null)
    {
        var obj = Typed(kind, body);
        var meta = obj.Metadata ??= new V1ObjectMeta();
        meta.NamespaceProperty = ScopeNamespace(kind, ns, meta.NamespaceProperty);
        if (string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName))
        {
            meta.Name = meta.GenerateName + RandomSuffix();
        }

        meta.Uid = Guid.NewGuid().ToString();
        meta.CreationTimestamp = Now();
        meta.Generation = 1;
        meta.ResourceVersion = null;
        meta.DeletionTimestamp = null;
        meta.DeletionGracePeriodSeconds = null;
        Defaulting.Apply(obj);
        Validate(kind, obj);
        if (kind.Namespaced)
        {
            await EnsureNamespaceAcceptsAsync(kind, meta.NamespaceProperty!, meta.Name, cancellationToken);
        }

        if (obj is V1Pod pod)
        {
            await PodPriority.ApplyAsync(pod, store, cancellationToken);
            await LimitRanger.ApplyAsync(pod, store, cancellationToken);
        }
        else if (obj is V1PersistentVolumeClaim claim)
        {
            await LimitRanger.ApplyAsync(claim, store, cancellationToken);
        }

        if (kind.Namespaced)
        {
            await ResourceQuotaAdmission.ApplyAsync(kind, obj, meta.NamespaceProperty!, meta.Name, store, cancellationToken);
        }

        using var allocation = obj is V1Service service ? await services.AllocateAsync(service, null, cancellationToken) : null;
        var node = KubeJson.ToNode(obj);
        if (fieldManager is not null)
        {
            // The creator owns what it set, except a status that has writers of its own.
            node["metadata"]!.AsObject().Remove("managedFields");
            var before = kind.Subresources.Contains("status") ? new JsonObject { ["status"] = node["status"]?.DeepClone() } : null;
            ManagedFields.RecordUpdate(before, node, fieldManager, kind.ApiVersion, null, ManagedFieldsTime(), kind.ClrType);
        }

        if (dryRun)
        {
            return node;
        }

        try
        {
            var created = await store.CreateAsync(kind, node, cancellationToken);
            allocation?.Commit();
            return created;
        }
        catch (StoreAlreadyExistsException)
        {
            throw ApiException.AlreadyExists(kind, meta.Name);
        }
    }

    /// <summary>
    /// Replaces an object (or its status). The managers' entries are the body's when it brings any and the live
    /// object's otherwise; a <paramref name="fieldManager"/> takes ownership of what it changed.
    /// </summary>
    public async Task<JsonObject> UpdateAsync(
        KindInfo kind, string? ns, string name, JsonObject body, string? subresource, bool dryRun, CancellationToken cancellationToken, string? fieldManager = null)
    {
        var existing = await GetAsync(kind, ns, name, cancellationToken);
        var obj = Typed(kind, body);
        var meta = obj.Metadata ??= new V1ObjectMeta();
        if (!string.IsNullOrEmpty(meta.Name) && meta.Name != name)
        {
            throw ApiException.BadRequest($"the name of the object ({meta.Name}) does not match the name on the URL ({name})");
        }

        meta.Name = name;
        meta.NamespaceProperty = ScopeNamespace(kind, ns, meta.NamespaceProperty);
        var expected = ParseResourceVersion(meta.ResourceVersion);

        JsonObject updated;
        ServiceAllocator.Allocation? allocation = null;
        if (subresource == "status")
        {
            updated = (JsonObject)existing.DeepClone();
            updated["status"] = KubeJson.ToNode(obj)["status"]?.DeepClone();
            Validate(kind, Typed(kind, updated));
        }
        else
        {
            var old = KubeJson.MetadataOf(existing);
            meta.Uid = old.Uid;
            meta.CreationTimestamp = old.CreationTimestamp;
            meta.DeletionTimestamp = old.DeletionTimestamp;
            meta.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds;
            meta.Generation = old.Generation;
            Defaulting.Apply(obj);
            Validate(kind, obj);
            allocation = obj is V1Service service ? await services.AllocateAsync(service, KubeJson.ToTyped<V1Service>(existing), cancellationToken) : null;
            updated = KubeJson.ToNode(obj);
            if (kind.Subresources.Contains("status"))
            {
                updated["status"] = existing["status"]?.DeepClone();
            }

            if (!JsonNode.DeepEquals(existing["spec"], updated["spec"]))
            {
                updated["metadata"]!["generation"] = (old.Generation ?? 1) + 1;
            }
        }

        if (updated["metadata"]?["managedFields"] is not JsonArray { Count: > 0 } && existing["metadata"]?["managedFields"] is JsonArray { Count: > 0 } kept)
        {
            updated["metadata"]!["managedFields"] = kept.DeepClone();
        }

        if (fieldManager is not null)
        {
            ManagedFields.RecordUpdate(existing, updated, fieldManager, kind.ApiVersion, subresource, ManagedFieldsTime(), kind.ClrType);
        }

        using (allocation)
        {
            if (dryRun)
            {
                return updated;
            }

            // An object that waits for its finalizers is removed once the last one is gone.
            if (updated["metadata"]?["deletionTimestamp"] is not null && updated["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
            {
                return (await RemoveAsync(kind, ns, name, expected, cancellationToken)).Object;
            }

            var written = await WriteAsync(kind, name, updated, expected, cancellationToken);
            allocation?.Commit();
            return written;
        }
    }

    public async Task<JsonObject> PatchAsync(
        KindInfo kind, string? ns, string name, string contentType, string patch, string? subresource, bool dryRun, CancellationToken cancellationToken, string? fieldManager = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(kind, ns, name, cancellationToken);
            var patched = Patching.Apply(existing, contentType, patch, kind.ClrType);
            var pinned = existing["metadata"]?["resourceVersion"]?.GetValue<string>() != patched["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!pinned)
            {
                patched["metadata"]!["resourceVersion"] = existing["metadata"]?["resourceVersion"]?.DeepClone();
            }

            try
            {
                return await UpdateAsync(kind, ns, name, patched, subresource, dryRun, cancellationToken, fieldManager);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && !pinned && attempt < PatchAttempts)
            {
                // Someone wrote between our read and our write; a patch without a resourceVersion is re-applied to the new state.
            }
        }
    }

    public async Task<DeleteOutcome> DeleteAsync(
        KindInfo kind, string? ns, string name, V1DeleteOptions? options, bool dryRun, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(kind, ns, name, cancellationToken);
        var meta = KubeJson.MetadataOf(existing);
        if (options?.Preconditions?.Uid is { Length: > 0 } uid && uid != meta.Uid)
        {
            throw ApiException.Conflict(kind, name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Uid}");
        }

        var expected = ParseResourceVersion(options?.Preconditions?.ResourceVersion);
        if (dryRun)
        {
            return new DeleteOutcome(existing, false);
        }

        if (kind == KindRegistry.Pod && GracePeriodOf(KubeJson.ToTyped<V1Pod>(existing), options) is > 0 and var grace)
        {
            return await MarkDeletedAsync(kind, name, existing, grace, expected, cancellationToken);
        }

        if (kind == KindRegistry.Namespace)
        {
            var marked = (JsonObject)existing.DeepClone();
            marked["status"] = new JsonObject { ["phase"] = "Terminating" };
            return meta.DeletionTimestamp is null
                ? await MarkDeletedAsync(kind, name, marked, 0, expected, cancellationToken)
                : new DeleteOutcome(existing, false);
        }

        if (PropagationFinalizer(kind, options?.PropagationPolicy) is { } finalizer && meta.DeletionTimestamp is null)
        {
            // The garbage collector removes or orphans the dependents, then this finalizer, and so the object.
            var marked = (JsonObject)existing.DeepClone();
            var finalizers = marked["metadata"]!["finalizers"] as JsonArray ?? [];
            finalizers.Add(finalizer);
            marked["metadata"]!["finalizers"] = finalizers;
            return await MarkDeletedAsync(kind, name, marked, 0, expected, cancellationToken);
        }

        if (meta.Finalizers is { Count: > 0 })
        {
            return meta.DeletionTimestamp is null
                ? await MarkDeletedAsync(kind, name, existing, 0, expected, cancellationToken)
                : new DeleteOutcome(existing, false);
        }

        return await RemoveAsync(kind, ns, name, expected, cancellationToken);
    }

    private static string? PropagationFinalizer(KindInfo kind, string? policy) => policy switch
    {
        null or "Background" => null,
        "Foreground" => GarbageCollection.ForegroundFinalizer,
        "Orphan" => GarbageCollection.OrphanFinalizer,
        _ => throw ApiException.Invalid(kind, "", [Core.Validation.FieldError.NotSupported("propagationPolicy", policy, ["Background", "Foreground", "Orphan"])]),
    };

    /// <summary>Removes an object from the store at once, whatever its grace period or finalizers.</summary>
    public async Task<DeleteOutcome> RemoveAsync(KindInfo kind, string? ns, string name, long? expected, CancellationToken cancellationToken)
    {
        try
        {
            var removed = await store.DeleteAsync(kind, ns, name, expected, cancellationToken);
            if (kind == KindRegistry.Service)
            {
                services.Release(KubeJson.ToTyped<V1Service>(removed));
            }

            return new DeleteOutcome(removed, true);
        }
        catch (StoreNotFoundException)
        {
            throw ApiException.NotFound(kind, name);
        }
        catch (StoreConflictException e)
        {
            throw ApiException.Conflict(kind, name, e.Message);
        }
    }

    /// <summary>The pods/binding subresource: assigns an unbound pod to a node.</summary>
    public async Task BindAsync(string ns, string name, V1Binding binding, CancellationToken cancellationToken)
    {
        var kind = KindRegistry.Pod;
        if (binding.Target is not { Name.Length: > 0 } target)
        {
            throw ApiException.Invalid(KindRegistry.Pod, name, [Core.Validation.FieldError.Required("target.name")]);
        }

        var existing = await GetAsync(kind, ns, name, cancellationToken);
        var pod = KubeJson.ToTyped<V1Pod>(existing);
        if (!string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            throw ApiException.Conflict(kind, name, $"pod {name} is already assigned to node \"{pod.Spec.NodeName}\"");
        }

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            throw ApiException.Conflict(kind, name, $"pod {name} is being deleted, cannot be assigned to a host");
        }

        pod.Spec.NodeName = target.Name;
        pod.Status ??= new V1PodStatus();
        var conditions = pod.Status.Conditions ?? [];
        pod.Status.Conditions = conditions.Where(c => c.Type != "PodScheduled")
            .Append(new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = Now() })
            .ToList();
        await WriteAsync(kind, name, KubeJson.ToNode(pod), ParseResourceVersion(pod.Metadata.ResourceVersion), cancellationToken);
    }

    /// <summary>Reads a dotted field path (<c>spec.nodeName</c>) the way field selectors compare it.</summary>
    public static string FieldValue(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
    }

    private async Task<DeleteOutcome> MarkDeletedAsync(
        KindInfo kind, string name, JsonObject existing, long grace, long? expected, CancellationToken cancellationToken)
    {
        var meta = existing["metadata"]!.AsObject();
        var at = Now().AddSeconds(grace);
        if (meta["deletionTimestamp"] is not null && meta["deletionGracePeriodSeconds"]?.GetValue<long>() <= grace)
        {
            return new DeleteOutcome(existing, false);
        }

        var marked = (JsonObject)existing.DeepClone();
        marked["metadata"]!["deletionTimestamp"] = JsonSerializer.SerializeToNode(at, KubeJson.Options);
        marked["metadata"]!["deletionGracePeriodSeconds"] = grace;
        return new DeleteOutcome(await WriteAsync(kind, name, marked, expected, cancellationToken), false);
    }

    // A pod that never reached a node, or has finished, has nothing to stop: it goes at once.
    private static long GracePeriodOf(V1Pod pod, V1DeleteOptions? options)
    {
        if (string.IsNullOrEmpty(pod.Spec?.NodeName) || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        return options?.GracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
    }

    private async Task<JsonObject> WriteAsync(KindInfo kind, string name, JsonObject obj, long? expected, CancellationToken cancellationToken)
    {
        try
        {
            return await store.UpdateAsync(kind, obj, expected, cancellationToken);
        }
        catch (StoreNotFoundException)
        {
            throw ApiException.NotFound(kind, name);
        }
        catch (StoreConflictException e)
        {
            throw ApiException.Conflict(kind, name, e.Message);
        }
    }

    private async Task EnsureNamespaceAcceptsAsync(KindInfo kind, string ns, string name, CancellationToken cancellationToken)
    {
        var namespaceObject = await store.GetAsync(KindRegistry.Namespace, null, ns, cancellationToken)
            ?? throw ApiException.NotFound(KindRegistry.Namespace, ns);
        if (namespaceObject["metadata"]?["deletionTimestamp"] is not null)
        {
            throw ApiException.Forbidden(kind, name,
                $"unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    private static string? ScopeNamespace(KindInfo kind, string? pathNamespace, string? bodyNamespace)
    {
        if (!kind.Namespaced)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != pathNamespace)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return pathNamespace;
    }

    private static IKubernetesObject<V1ObjectMeta> Typed(KindInfo kind, JsonObject body)
    {
        if (body["kind"]?.GetValue<string>() is { Length: > 0 } k && k != kind.Kind)
        {
            throw ApiException.BadRequest($"the kind of the object ({k}) does not match the kind of the request ({kind.Kind})");
        }

        IKubernetesObject<V1ObjectMeta> obj;
        try
        {
            obj = (IKubernetesObject<V1ObjectMeta>)KubeJson.ToTyped(body, kind.ClrType);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized: {e.Message}");
        }

        obj.ApiVersion = kind.ApiVersion;
        obj.Kind = kind.Kind;
        return obj;
    }

    private static void Validate(KindInfo kind, IKubernetesObject<V1ObjectMeta> obj)
    {
        var errors = Validation.Validate(kind, obj);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(kind, obj.Metadata?.Name ?? "", errors);
        }
    }

    private static long? ParseResourceVersion(string? text) =>
        string.IsNullOrEmpty(text) ? null
        : long.TryParse(text, out var rv) ? rv
        : throw ApiException.BadRequest($"invalid resourceVersion \"{text}\"");

    private JsonNode ManagedFieldsTime() => JsonSerializer.SerializeToNode(Now(), KubeJson.Options)!;

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }
}
