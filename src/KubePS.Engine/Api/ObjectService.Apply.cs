using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Api;

/// <summary>What a server-side apply did: created the object, or merged into the live one.</summary>
public sealed record ApplyOutcome(JsonObject Object, bool Created, IReadOnlyList<string> Warnings);

/// <summary>
/// Server-side apply: the applied configuration is merged into the live object with strategic merge
/// semantics and becomes its field manager's set in managedFields. A field another manager owns with a
/// different value is a 409 conflict unless the apply is forced, which takes the field over; fields the
/// manager applied before and no longer does are removed unless someone else owns them.
/// </summary>
public sealed partial class ObjectService
{
    public async Task<ApplyOutcome> ApplyAsync(
        KindInfo kind, string? ns, string name, string body, string fieldManager, bool force, string? fieldValidation, string? subresource, bool dryRun,
        CancellationToken cancellationToken)
    {
        var applied = ApplyConfiguration.Parse(body);
        var warnings = FieldValidation.CheckKnownFields(fieldValidation, applied, kind.ClrType);
        var metadata = applied["metadata"] as JsonObject ?? [];
        applied["metadata"] = metadata;
        if (metadata["name"] is { } named && (named.GetValueKind() != JsonValueKind.String || named.GetValue<string>() != name))
        {
            throw ApiException.BadRequest($"the name of the object ({named.ToJsonString()}) does not match the name on the URL ({name})");
        }

        metadata.Remove("managedFields");
        var fields = ManagedFields.FieldSetOf(applied, kind.ClrType);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await Store.GetAsync(kind, ns, name, cancellationToken);
            var time = ManagedFieldsTime();
            if (existing is null)
            {
                if (subresource is not null)
                {
                    throw ApiException.NotFound(kind, name);
                }

                var fresh = (JsonObject)applied.DeepClone();
                fresh["metadata"]!["name"] = name;
                ManagedFields.RecordApply(fresh, fieldManager, kind.ApiVersion, null, time, fields);
                try
                {
                    return new ApplyOutcome(await CreateAsync(kind, ns, fresh, dryRun, cancellationToken), true, warnings);
                }
                catch (ApiException e) when (e.Reason == "AlreadyExists" && attempt < PatchAttempts)
                {
                    // Created by someone else meanwhile: apply to theirs.
                    continue;
                }
            }

            var conflicts = ManagedFields.Conflicts(existing, applied, fields, fieldManager);
            if (conflicts.Count > 0 && !force)
            {
                throw ApiException.ApplyConflicts(kind, name, conflicts);
            }

            var merged = ModelSchema.IsModel(kind.ClrType)
                ? StrategicMergePatch.Apply(existing, applied, kind.ClrType)
                : Patching.Apply(existing, Patching.MergePatch, applied.ToJsonString(), kind.ClrType);
            ManagedFields.TakeOver(merged, conflicts);
            ManagedFields.RemoveUnapplied(merged, fieldManager, subresource, fields);
            ManagedFields.RecordApply(merged, fieldManager, kind.ApiVersion, subresource, time, fields);
            var pinned = metadata["resourceVersion"] is not null;
            if (!pinned)
            {
                merged["metadata"]!["resourceVersion"] = existing["metadata"]?["resourceVersion"]?.DeepClone();
            }

            try
            {
                return new ApplyOutcome(await UpdateAsync(kind, ns, name, merged, subresource, dryRun, cancellationToken), false, warnings);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && !pinned && attempt < PatchAttempts)
            {
                // Someone wrote between our read and our write; the configuration is applied again to the new state.
            }
        }
    }
}
