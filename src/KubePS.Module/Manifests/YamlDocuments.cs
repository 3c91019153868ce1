using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubePS.Module.Manifests;

/// <summary>
/// YAML documents as the JSON trees they stand for, with the types YAML's core schema gives plain
/// scalars (2 is a number, true a boolean, "2" a string), as kubectl reads manifests. The tree keeps
/// every field as written, so nothing the model types do not know is lost on the way to the server.
/// </summary>
public static partial class YamlDocuments
{
    /// <summary>Every non-empty document of a YAML (or JSON, which is YAML) text.</summary>
    public static IReadOnlyList<JsonNode> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonNode>().ToList();
    }

    /// <summary>Objects as one multi-document YAML text; strings that would read back as another type are quoted.</summary>
    public static string Write(IEnumerable<JsonNode> documents)
    {
        var stream = new YamlStream(documents.Select(d => new YamlDocument(ToYaml(d))));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
        return text.StartsWith("---\n", StringComparison.Ordinal) ? text[4..] : text;
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject obj => new YamlMappingNode(obj.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYaml(p.Value)))),
        JsonArray array => new YamlSequenceNode(array.Select(ToYaml)),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => StringNode(value.GetValue<string>()),
        null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(node.ToJsonString()),
    };

    private static YamlScalarNode StringNode(string text)
    {
        var plain = new YamlScalarNode(text) { Style = ScalarStyle.Plain };
        var readsBack = Scalar(plain) is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String;
        return new YamlScalarNode(text)
        {
            Style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : readsBack ? ScalarStyle.Any : ScalarStyle.DoubleQuoted,
        };
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(value.StartsWith('t') || value.StartsWith('T'));
        }

        if (Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if (Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
