using System.Text.Json.Nodes;

namespace KubePS.Module.Manifests;

/// <summary>One object of a manifest and where it came from.</summary>
public sealed record ManifestObject(JsonObject Json, string Source);

/// <summary>
/// Reads manifests as kubectl apply -f does: files, or folders of .yaml, .yml and .json files
/// (-Recurse for their subfolders), each with one or many documents; a List's items are objects of
/// their own.
/// </summary>
public static class ManifestReader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>The files a path names: the file itself, or a folder's manifests in name order.</summary>
    public static IEnumerable<string> Files(string path, bool recurse)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException(Messages.ManifestMissing(path), path);
        }

        return Directory.EnumerateFiles(path, "*", recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// The objects of one manifest text. A document that is not an object with apiVersion, kind and a
    /// name is refused (applying needs the name to find the object again; generateName cannot).
    /// </summary>
    public static IEnumerable<ManifestObject> Objects(string text, string source)
    {
        foreach (var document in YamlDocuments.Parse(text))
        {
            foreach (var obj in Expand(document, source))
            {
                yield return obj;
            }
        }
    }

    private static IEnumerable<ManifestObject> Expand(JsonNode document, string source)
    {
        if (document is not JsonObject obj
            || obj["apiVersion"]?.GetValueKind() is not System.Text.Json.JsonValueKind.String
            || obj["kind"]?.GetValueKind() is not System.Text.Json.JsonValueKind.String)
        {
            throw new InvalidDataException(Messages.NotAManifestObject(source));
        }

        if (((string)obj["kind"]!).EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
        {
            return items.Select(i => i?.DeepClone()).OfType<JsonNode>().SelectMany(i => Expand(i, source)).ToList();
        }

        if (obj["metadata"]?["name"]?.GetValueKind() is not System.Text.Json.JsonValueKind.String)
        {
            throw new InvalidDataException(Messages.ManifestObjectUnnamed(source, (string)obj["kind"]!));
        }

        return [new ManifestObject(obj, source)];
    }
}
