using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubePS.Engine.Api.Patch;

/// <summary>The body of a server-side apply: one object as YAML or JSON (which is YAML too).</summary>
public static partial class ApplyConfiguration
{
    public const string MediaType = "application/apply-patch+yaml";

    // As deep as System.Text.Json reads by default; YAML nested deeper is refused rather than recursed into.
    private const int MaxDepth = 64;

    public static JsonObject Parse(string text)
    {
        var node = text.TrimStart().StartsWith('{') ? ParseJson(text) : ParseYaml(text);
        return node as JsonObject ?? throw ApiException.BadRequest("an apply patch must be a single object");
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    private static JsonNode? ParseYaml(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var node = Read(parser, 0);
            parser.Consume<DocumentEnd>();
            return parser.Accept<StreamEnd>(out _) ? node : throw ApiException.BadRequest("an apply patch must be a single YAML document");
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    private static JsonNode? Read(IParser parser, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ApiException.BadRequest($"error decoding YAML: nested deeper than {MaxDepth}");
        }

        switch (parser.Consume<NodeEvent>())
        {
            case Scalar scalar:
                return ScalarOf(scalar);
            case MappingStart:
                var obj = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = parser.Consume<Scalar>().Value;
                    obj[key] = Read(parser, depth + 1);
                }

                return obj;
            case SequenceStart:
                var list = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    list.Add(Read(parser, depth + 1));
                }

                return list;
            default:
                // Aliases could expand a small document into a huge one.
                throw ApiException.BadRequest("error decoding YAML: anchors and aliases are not supported");
        }
    }

    // The YAML 1.2 core schema: an unquoted, untagged scalar may be null, a boolean or a number.
    private static JsonNode? ScalarOf(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when Float().IsMatch(value) && double.Parse(value, CultureInfo.InvariantCulture) is var real && double.IsFinite(real) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
