using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers;

/// <summary>
/// The <c>pod-template-hash</c> that names a Deployment's ReplicaSets. Both the hash and the
/// equivalence test read a normalised template (no hash label, no null or empty fields, keys in
/// order), so the template <c>kubectl rollout undo</c> sends back, with its <c>resources: {}</c> and
/// <c>creationTimestamp: null</c>, finds the ReplicaSet it came from instead of making a new revision.
/// </summary>
public static class PodTemplateHash
{
    public const string Label = "pod-template-hash";

    // Kubernetes' alphabet for generated name parts: no vowels, no look-alike characters.
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash; no collision count and a count of 0 hash alike, so a status that starts counting does not rename anything.</summary>
    public static string Compute(V1PodTemplateSpec template, int? collisionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(template) + (collisionCount is > 0 and var c ? c.ToString() : "")))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return new string(hash.ToString().Select(d => SafeAlphabet[d % SafeAlphabet.Length]).ToArray());
    }

    public static bool Equivalent(V1PodTemplateSpec? a, V1PodTemplateSpec? b) =>
        a is not null && b is not null && Canonical(a) == Canonical(b);

    private static string Canonical(V1PodTemplateSpec template)
    {
        var node = KubeJson.ToNode(template);
        if (node["metadata"] is JsonObject meta)
        {
            meta.Remove("creationTimestamp");
            (meta["labels"] as JsonObject)?.Remove(Label);
        }

        return Normalise(node)?.ToJsonString() ?? "{}";
    }

    private static JsonNode? Normalise(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => (p.Key, Value: Normalise(p.Value))).Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).ToList() is { Count: > 0 } fields
            ? new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)))
            : null,
        JsonArray a => a.Count == 0 ? null : new JsonArray(a.Select(i => Normalise(i) ?? new JsonObject()).ToArray()),
        JsonValue v => v.DeepClone(),
        _ => null,
    };
}
