using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Core.Validation;

namespace KubePS.Engine.Api;

/// <summary>
/// The <c>scale</c> subresource: an autoscaling/v1 Scale view of a workload's replicas, whose
/// writes change only <c>spec.replicas</c>.
/// </summary>
public sealed class ScaleSubresource(ObjectService objects)
{
    public async Task<JsonObject> GetAsync(KindInfo kind, string ns, string name, CancellationToken cancellationToken) =>
        ScaleOf(await objects.GetAsync(kind, ns, name, cancellationToken));

    public async Task<JsonObject> UpdateAsync(KindInfo kind, string ns, string name, JsonObject body, CancellationToken cancellationToken)
    {
        var scale = KubeJson.ToTyped<V1Scale>(body);
        var replicas = scale.Spec?.Replicas ?? 0;
        if (replicas < 0)
        {
            throw ApiException.Invalid(kind, name, [FieldError.Invalid("spec.replicas", replicas.ToString(), "must be greater than or equal to 0")]);
        }

        var existing = await objects.GetAsync(kind, ns, name, cancellationToken);
        var updated = (JsonObject)existing.DeepClone();
        ((JsonObject)(updated["spec"] ??= new JsonObject()))["replicas"] = replicas;
        if (scale.Metadata?.ResourceVersion is not { Length: > 0 } rv)
        {
            updated["metadata"]!.AsObject().Remove("resourceVersion");
        }
        else
        {
            updated["metadata"]!["resourceVersion"] = rv;
        }

        return ScaleOf(await objects.UpdateAsync(kind, ns, name, updated, subresource: null, dryRun: false, cancellationToken));
    }

    public async Task<JsonObject> PatchAsync(KindInfo kind, string ns, string name, string contentType, string patch, CancellationToken cancellationToken)
    {
        var current = await GetAsync(kind, ns, name, cancellationToken);
        var patched = Patching.Apply(current, contentType, patch, typeof(V1Scale));
        if (patched["metadata"]?["resourceVersion"]?.GetValue<string>() == current["metadata"]?["resourceVersion"]?.GetValue<string>())
        {
            patched["metadata"]!.AsObject().Remove("resourceVersion");
        }

        return await UpdateAsync(kind, ns, name, patched, cancellationToken);
    }

    private static JsonObject ScaleOf(JsonObject obj)
    {
        var meta = KubeJson.MetadataOf(obj);
        var selector = obj["spec"]?["selector"] is JsonObject s ? KubeJson.ToTyped<V1LabelSelector>(s) : null;
        return KubeJson.ToNode(new V1Scale
        {
            ApiVersion = "autoscaling/v1",
            Kind = "Scale",
            Metadata = new V1ObjectMeta
            {
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
                CreationTimestamp = meta.CreationTimestamp,
            },
            Spec = new V1ScaleSpec { Replicas = obj["spec"]?["replicas"]?.GetValue<int>() ?? 0 },
            Status = new V1ScaleStatus { Replicas = obj["status"]?["replicas"]?.GetValue<int>() ?? 0, Selector = LabelSelector.Format(selector) },
        });
    }
}
