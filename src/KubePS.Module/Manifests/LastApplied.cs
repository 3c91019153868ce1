using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Module.Manifests;

/// <summary>
/// kubectl's kubectl.kubernetes.io/last-applied-configuration annotation: the manifest as last
/// applied, which the next apply compares with to know what the user removed. Written as kubectl
/// writes it (compact JSON with sorted keys and a final newline, the annotation itself left out),
/// so kubectl apply and Publish-KubeManifest can take turns on the same objects.
/// </summary>
public static class LastApplied
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The manifest with the annotation set to the manifest itself.</summary>
    public static JsonObject Annotate(JsonObject manifest)
    {
        var annotated = (JsonObject)manifest.DeepClone();
        var metadata = annotated["metadata"] as JsonObject ?? [];
        annotated["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        annotations.Remove(Annotation);
        metadata["annotations"] = annotations;
        var text = Sorted(annotated)!.ToJsonString() + "\n";
        annotations[Annotation] = text;
        return annotated;
    }

    /// <summary>The last applied manifest recorded on a live object, or null.</summary>
    public static JsonObject? Of(JsonObject live)
    {
        if ((string?)live["metadata"]?["annotations"]?[Annotation] is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
