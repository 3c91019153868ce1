using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Api;

/// <summary>What a server-side apply did: created the object, or merged into the live one.</summary>
public sealed record ApplyOutcome(JsonObject Object, bool Created, IReadOnlyList<string> Warnings);

/// <summary>
/// Server-side apply, first cut: the applied configuration is merged into the live object with strategic
/// merge semantics and recorded in managedFields under its field manager. There is no ownership model yet,
/// so fields another manager owns are overwritten without a 409 conflict, as if <c>force=true</c> were always set.
/// </summary>
public sealed partial class ObjectService
{
    public async Task<ApplyOutcome> ApplyAsync(
        KindInfo kind, string? ns, string name, string body, string fieldManager, string? fieldValidation, string? subresource, bool dryRun,
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
            var time = JsonSerializer.SerializeToNode(Now(), KubeJson.Options)!;
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

            var merged = ModelSchema.IsModel(kind.ClrType)
                ? StrategicMergePatch.Apply(existing, applied, kind.ClrType)
                : Patching.Apply(existing, Patching.MergePatch, applied.ToJsonString(), kind.ClrType);
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
