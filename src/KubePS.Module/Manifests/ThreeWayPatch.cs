using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Module.Manifests;

/// <summary>
/// The merge patch (RFC 7386) that takes the live object to what a manifest declares, the way
/// kubectl apply reasons: fields of the manifest that differ from the live object are set, fields
/// the last applied manifest had and this one dropped are removed, and fields neither manifest
/// mentions (set by the server or by others) are left alone. Lists are compared by content, with
/// what the server added to their items (defaults) ignored, and replaced whole when they differ.
/// </summary>
public static class ThreeWayPatch
{
    /// <summary>The patch; empty when the live object already is what the manifest declares.</summary>
    public static JsonObject Compute(JsonObject? lastApplied, JsonObject manifest, JsonObject live)
    {
        var patch = new JsonObject();
        foreach (var (key, wanted) in manifest)
        {
            var current = live[key];
            if (wanted is JsonObject wantedObject && current is JsonObject currentObject)
            {
                var inner = Compute(lastApplied?[key] as JsonObject, wantedObject, currentObject);
                if (inner.Count > 0)
                {
                    patch[key] = inner;
                }
            }
            else if (!live.ContainsKey(key) || !Covers(current, wanted))
            {
                patch[key] = wanted?.DeepClone();
            }
        }

        foreach (var (key, _) in lastApplied ?? [])
        {
            if (!manifest.ContainsKey(key) && live.ContainsKey(key))
            {
                patch[key] = null;
            }
        }

        return patch;
    }

    /// <summary>
    /// Whether <paramref name="current"/> holds everything <paramref name="wanted"/> says: equal
    /// scalars, objects with (at least) the wanted fields, lists of the same length item by item.
    /// </summary>
    public static bool Covers(JsonNode? current, JsonNode? wanted) => (current, wanted) switch
    {
        (null, null) => true,
        (JsonObject c, JsonObject w) => w.All(p => c.ContainsKey(p.Key) ? Covers(c[p.Key], p.Value) : p.Value is null),
        (JsonArray c, JsonArray w) => c.Count == w.Count && c.Zip(w).All(pair => Covers(pair.First, pair.Second)),
        (JsonValue c, JsonValue w) => ScalarEquals(c, w),
        _ => false,
    };

    /// <summary>The paths of the fields that differ between two versions of an object (spec.replicas, spec.template.spec.containers[0].image).</summary>
    public static IReadOnlyList<string> ChangedFields(JsonNode? before, JsonNode? after, Func<string, bool> ignore)
    {
        var changes = new List<string>();
        Collect(before, after, "", changes, ignore);
        return changes;
    }

    private static void Collect(JsonNode? before, JsonNode? after, string path, List<string> changes, Func<string, bool> ignore)
    {
        if (path.Length > 0 && ignore(path))
        {
            return;
        }

        switch (before, after)
        {
            case (JsonObject b, JsonObject a):
                foreach (var key in b.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    Collect(b[key], a[key], path.Length == 0 ? key : $"{path}.{key}", changes, ignore);
                }

                break;
            case (JsonArray b, JsonArray a) when b.Count == a.Count:
                for (var i = 0; i < b.Count; i++)
                {
                    Collect(b[i], a[i], $"{path}[{i}]", changes, ignore);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    changes.Add(path);
                }

                break;
        }
    }

    private static bool ScalarEquals(JsonValue current, JsonValue wanted)
    {
        if (current.GetValueKind() == JsonValueKind.Number && wanted.GetValueKind() == JsonValueKind.Number)
        {
            // 2 and 2.0 are the same number to the server.
            return decimal.TryParse(current.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var c)
                && decimal.TryParse(wanted.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var w)
                && c == w;
        }

        return JsonNode.DeepEquals(current, wanted);
    }
}
