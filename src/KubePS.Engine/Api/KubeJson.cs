using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace KubePS.Engine.Api;

/// <summary>Conversions between the stored JSON and the typed <c>k8s.Models</c>, with KubernetesClient's serializer settings.</summary>
public static class KubeJson
{
    public static readonly JsonSerializerOptions Options = CaptureOptions();

    public static T ToTyped<T>(JsonObject obj) => obj.Deserialize<T>(Options)!;

    public static object ToTyped(JsonObject obj, Type type) => obj.Deserialize(type, Options)!;

    /// <summary>A deep copy of a typed object, free to change without touching the original.</summary>
    public static T Clone<T>(T typed) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(typed, Options), Options)!;

    /// <summary>Whether two typed values serialise to the same JSON (null only equals null).</summary>
    public static bool Same(object? a, object? b) =>
        JsonNode.DeepEquals(
            a is null ? null : JsonSerializer.SerializeToNode(a, a.GetType(), Options),
            b is null ? null : JsonSerializer.SerializeToNode(b, b.GetType(), Options));

    public static JsonObject ToNode(object typed) => JsonSerializer.SerializeToNode(typed, typed.GetType(), Options)!.AsObject();

    // KubernetesClient's V1Status converter only reads; statuses are written with the plain settings.
    private static readonly JsonSerializerOptions StatusOptions = WithoutStatusConverter(Options);

    /// <summary>How responses are written: compact, without escaping quotes and apostrophes in messages.</summary>
    public static readonly JsonSerializerOptions Wire = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static string Serialize(object typed)
    {
        if (typed is V1Status)
        {
            var node = JsonSerializer.SerializeToNode(typed, StatusOptions)!.AsObject();
            node.Remove("hasObject");
            return node.ToJsonString(Wire);
        }

        return JsonSerializer.Serialize(typed, typed.GetType(), Options);
    }

    public static V1ObjectMeta MetadataOf(JsonObject obj) => obj["metadata"]!.Deserialize<V1ObjectMeta>(Options)!;

    public static string? NamespaceOf(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() is { Length: > 0 } ns ? ns : null;

    public static string NameOf(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    private static JsonSerializerOptions WithoutStatusConverter(JsonSerializerOptions options)
    {
        var copy = new JsonSerializerOptions(options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var converter in copy.Converters.Where(c => c.CanConvert(typeof(V1Status))).ToList())
        {
            copy.Converters.Remove(converter);
        }

        return copy;
    }

    private static JsonSerializerOptions CaptureOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        return captured ?? throw new InvalidOperationException("KubernetesJson did not expose its serializer options");
    }
}
