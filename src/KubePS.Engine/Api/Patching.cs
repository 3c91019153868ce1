using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Api;

/// <summary>JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch over stored JSON.</summary>
public static class Patching
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>Applies a patch to a copy of <paramref name="target"/>, an object of the k8s.Models <paramref name="type"/>.</summary>
    public static JsonObject Apply(JsonObject target, string contentType, string patch, Type type)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(patch);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding patch: {e.Message}");
        }

        return contentType switch
        {
            MergePatch when document is JsonObject merge => (JsonObject)Merge(target.DeepClone(), merge)!,
            JsonPatch when document is JsonArray operations => ApplyOperations((JsonObject)target.DeepClone(), operations),
            StrategicMergePatch.MediaType when document is JsonObject strategic && ModelSchema.IsModel(type) =>
                StrategicMergePatch.Apply(target, strategic, type),

            // Kinds without a k8s.Models type have no merge keys to follow.
            StrategicMergePatch.MediaType when document is JsonObject merge => (JsonObject)Merge(target.DeepClone(), merge)!,
            MergePatch or JsonPatch or StrategicMergePatch.MediaType => throw ApiException.BadRequest($"the patch is not a valid {contentType} document"),
            _ => throw ApiException.UnsupportedMediaType(contentType),
        };
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Merge(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }

    private static JsonObject ApplyOperations(JsonObject document, JsonArray operations)
    {
        JsonNode root = document;
        foreach (var operation in operations)
        {
            var op = operation?["op"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch operation without \"op\"");
            var path = operation["path"]?.GetValue<string>() ?? throw ApiException.BadRequest($"json patch {op} without \"path\"");
            switch (op)
            {
                case "add":
                    Add(root, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, operation["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = operation["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch move without \"from\"");
                    var value = Resolve(root, from)?.DeepClone();
                    Remove(root, from);
                    Add(root, path, value);
                    break;
                }

                case "copy":
                {
                    var from = operation["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch copy without \"from\"");
                    Add(root, path, Resolve(root, from)?.DeepClone());
                    break;
                }

                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path), operation["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the json patch test operation failed at {path}");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"unknown json patch operation \"{op}\"");
            }
        }

        return document;
    }

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer.TrimStart('/').Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw MissingPath(pointer),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw ApiException.BadRequest("json patch cannot replace the whole document");
        }

        var parent = Resolve(root, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        return (parent ?? throw MissingPath(pointer), tokens[^1]);
    }

    private static void Add(JsonNode root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw MissingPath(pointer);
        }
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw MissingPath(pointer);
        }
    }

    private static ApiException MissingPath(string pointer) =>
        new(422, "Invalid", $"the server rejected our request due to an error in our request: path {pointer} does not exist");
}
