using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Api.Protobuf;

/// <summary>
/// Turns a Kubernetes protobuf request body (the bytes <c>k8s\0</c>, then a <c>runtime.Unknown</c> naming the
/// object's apiVersion and kind around the object's own message) into the JSON object the API works on. Go
/// writes every non-pointer field even when it is zero; like Go's JSON encoding, zeros of those are left out,
/// while a zero in a pointer field (replicas: 0, runAsUser: 0) is kept. A field the table does not know is an
/// error rather than something silently dropped.
/// </summary>
public static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Decodes a body; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body, ProtobufSchema schema)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("a protobuf body starts with the bytes 'k8s\\0'");
        }

        var (apiVersion, kind, encoding) = ReadEnvelope(body[Magic.Length..], out var raw);
        if (encoding.Length > 0)
        {
            throw new FormatException($"content encoding '{encoding}' is not supported");
        }

        if (apiVersion.Length == 0 || kind.Length == 0)
        {
            throw new FormatException("the body does not name its apiVersion and kind");
        }

        var root = schema.RootFor(apiVersion, kind)
            ?? throw new FormatException($"{kind} of {apiVersion} is not accepted as protobuf by this server; send it as JSON");
        var fields = (JsonObject)DecodeMessage(raw, root, schema, 0);
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var name in fields.Select(p => p.Key).ToList())
        {
            var value = fields[name];
            fields.Remove(name);
            result[name] = value;
        }

        return result;
    }

    private static (string ApiVersion, string Kind, string Encoding) ReadEnvelope(ReadOnlySpan<byte> unknown, out ReadOnlySpan<byte> raw)
    {
        string apiVersion = "", kind = "", encoding = "";
        raw = default;
        var reader = new WireReader(unknown);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    var typeMeta = new WireReader(Expect(ref reader, wire, "typeMeta"));
                    while (!typeMeta.AtEnd)
                    {
                        var (metaField, metaWire) = typeMeta.ReadTag();
                        switch (metaField)
                        {
                            case 1: apiVersion = Utf8(Expect(ref typeMeta, metaWire, "apiVersion")); break;
                            case 2: kind = Utf8(Expect(ref typeMeta, metaWire, "kind")); break;
                            default: typeMeta.Skip(metaWire); break;
                        }
                    }

                    break;
                case 2: raw = Expect(ref reader, wire, "raw"); break;
                case 3: encoding = Utf8(Expect(ref reader, wire, "contentEncoding")); break;
                default: reader.Skip(wire); break;
            }
        }

        return (apiVersion, kind, encoding);
    }

    private static JsonNode DecodeMessage(ReadOnlySpan<byte> bytes, MessageShape shape, ProtobufSchema schema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"messages nested more than {MaxDepth} deep");
        }

        var reader = new WireReader(bytes);
        if (shape.WrapperOf is { } wrapped)
        {
            var items = new JsonArray();
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadTag();
                if (field != 1)
                {
                    throw new FormatException($"field {field} of {shape.Name} is not known to this server; send the object as JSON");
                }

                AddRepeated(ref reader, wire, items, wrapped, schema, depth);
            }

            return items;
        }

        var result = new JsonObject();
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            if (!shape.Fields.TryGetValue(number, out var field))
            {
                throw new FormatException($"field {number} of {shape.Name} is not known to this server; send the object as JSON");
            }

            var type = field.Type;
            if (field.Inline)
            {
                var embedded = (JsonObject)ReadValue(ref reader, wire, type, schema, depth, shape.Name)!;
                foreach (var name in embedded.Select(p => p.Key).ToList())
                {
                    var value = embedded[name];
                    embedded.Remove(name);
                    result[name] = value;
                }
            }
            else if (type.Map)
            {
                if (result[field.JsonName] is not JsonObject map)
                {
                    result[field.JsonName] = map = [];
                }

                var (key, value) = ReadMapEntry(Expect(ref reader, wire, field.JsonName), type, schema, depth);
                map[key] = value;
            }
            else if (type.Repeated)
            {
                if (result[field.JsonName] is not JsonArray list)
                {
                    result[field.JsonName] = list = [];
                }

                AddRepeated(ref reader, wire, list, type, schema, depth);
            }
            else
            {
                var value = ReadValue(ref reader, wire, type, schema, depth, field.JsonName);
                if (value is null || (!type.Pointer && IsZero(value)))
                {
                    result.Remove(field.JsonName);
                }
                else
                {
                    result[field.JsonName] = value;
                }
            }
        }

        return result;
    }

    // Packed (one length-delimited run of numbers) and unpacked repeats are both valid on the wire.
    private static void AddRepeated(ref WireReader reader, int wire, JsonArray list, FieldType type, ProtobufSchema schema, int depth)
    {
        if (wire == WireReader.LengthDelimited && type.Kind is FieldKind.Bool or FieldKind.Int32 or FieldKind.Int64)
        {
            var packed = new WireReader(reader.ReadLengthDelimited());
            while (!packed.AtEnd)
            {
                list.Add(ReadValue(ref packed, WireReader.Varint, type, schema, depth, "item"));
            }

            return;
        }

        list.Add(ReadValue(ref reader, wire, type, schema, depth, "item") ?? DefaultFor(type, schema));
    }

    private static (string Key, JsonNode? Value) ReadMapEntry(ReadOnlySpan<byte> entry, FieldType type, ProtobufSchema schema, int depth)
    {
        var key = "";
        JsonNode? value = null;
        var reader = new WireReader(entry);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: key = Utf8(Expect(ref reader, wire, "key")); break;
                case 2: value = ReadValue(ref reader, wire, type, schema, depth, key); break;
                default: throw new FormatException($"a map entry has a field {field}");
            }
        }

        return (key, value ?? DefaultFor(type, schema));
    }

    private static JsonNode? ReadValue(ref WireReader reader, int wire, FieldType type, ProtobufSchema schema, int depth, string name)
    {
        switch (type.Kind)
        {
            case FieldKind.String:
                return JsonValue.Create(Utf8(Expect(ref reader, wire, name)));
            case FieldKind.Bytes:
                return JsonValue.Create(Convert.ToBase64String(Expect(ref reader, wire, name)));
            case FieldKind.Bool:
                return JsonValue.Create(ReadVarint(ref reader, wire, name) != 0);
            case FieldKind.Int32:
                return JsonValue.Create((int)(long)ReadVarint(ref reader, wire, name));
            case FieldKind.Int64:
                return JsonValue.Create((long)ReadVarint(ref reader, wire, name));
            case FieldKind.Message:
                return DecodeMessage(Expect(ref reader, wire, name), schema.Find(type.Message!)!, schema, depth + 1);
            default:
                return ReadWellKnown(Expect(ref reader, wire, name), type.Kind, name);
        }
    }

    // The apimachinery types whose JSON form is not an object: quantities and times are strings, an
    // int-or-string is either, and raw fields carry JSON inside bytes.
    private static JsonNode? ReadWellKnown(ReadOnlySpan<byte> message, FieldKind kind, string name)
    {
        long first = 0, second = 0;
        string text = "";
        ReadOnlySpan<byte> raw = default;
        var reader = new WireReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (kind, field)
            {
                case (FieldKind.Quantity, 1) or (FieldKind.IntOrString, 3):
                    text = Utf8(Expect(ref reader, wire, name));
                    break;
                case (FieldKind.FieldsV1 or FieldKind.RawExtension, 1):
                    raw = Expect(ref reader, wire, name);
                    break;
                case (_, 1):
                    first = (long)ReadVarint(ref reader, wire, name);
                    break;
                case (FieldKind.IntOrString or FieldKind.Time or FieldKind.MicroTime, 2):
                    second = (long)ReadVarint(ref reader, wire, name);
                    break;
                default:
                    throw new FormatException($"{name} has an unexpected field {field}");
            }
        }

        return kind switch
        {
            FieldKind.Quantity => JsonValue.Create(text),
            FieldKind.IntOrString => first == 1 ? JsonValue.Create(text) : JsonValue.Create((int)second),
            FieldKind.Time => first == 0 && second == 0 ? null : JsonValue.Create(FormatTime(first, 0, name)),
            FieldKind.MicroTime => first == 0 && second == 0 ? null : JsonValue.Create(FormatTime(first, second, name)),
            _ => raw.IsEmpty ? null : ParseEmbeddedJson(raw, name),
        };
    }

    private static string FormatTime(long seconds, long nanos, string name)
    {
        if (seconds is < -62135596800 or > 253402300799 || nanos is < 0 or > 999_999_999)
        {
            throw new FormatException($"{name} is not a valid time");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
        return nanos == 0 && time.Ticks % TimeSpan.TicksPerSecond == 0
            ? time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    private static JsonNode? ParseEmbeddedJson(ReadOnlySpan<byte> raw, string name)
    {
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name} does not hold JSON: {e.Message}", e);
        }
    }

    private static bool IsZero(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        _ => false,
    };

    private static JsonNode? DefaultFor(FieldType type, ProtobufSchema schema) => type.Kind switch
    {
        FieldKind.String or FieldKind.Bytes => JsonValue.Create(""),
        FieldKind.Bool => JsonValue.Create(false),
        FieldKind.Int32 or FieldKind.Int64 => JsonValue.Create(0),
        FieldKind.Quantity => JsonValue.Create("0"),
        FieldKind.Message => schema.Find(type.Message!)!.WrapperOf is null ? new JsonObject() : new JsonArray(),
        _ => null,
    };

    private static ReadOnlySpan<byte> Expect(scoped ref WireReader reader, int wire, string name) =>
        wire == WireReader.LengthDelimited ? reader.ReadLengthDelimited() : throw WrongWireType(name, wire);

    private static ulong ReadVarint(ref WireReader reader, int wire, string name) =>
        wire == WireReader.Varint ? reader.ReadVarint() : throw WrongWireType(name, wire);

    private static FormatException WrongWireType(string name, int wire) => new($"{name} arrived with wire type {wire}, which does not fit its type");

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("a string is not valid UTF-8");
        }
    }
}
