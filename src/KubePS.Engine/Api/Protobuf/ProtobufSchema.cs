namespace KubePS.Engine.Api.Protobuf;

/// <summary>What a field holds, as far as turning it into JSON needs to know.</summary>
public enum FieldKind
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Message,
    Quantity,
    IntOrString,
    Time,
    MicroTime,
    FieldsV1,
    RawExtension,
}

/// <summary>
/// A field's type: its kind, the message it names, whether it repeats or is a map from strings, and whether
/// Go holds it behind a pointer (a zero value sent for a pointer field means zero, for any other field nothing).
/// </summary>
public sealed record FieldType(FieldKind Kind, string? Message, bool Repeated, bool Map, bool Pointer)
{
    public static FieldType Parse(string text)
    {
        var repeated = text.StartsWith("[]", StringComparison.Ordinal);
        var map = text.StartsWith("map<", StringComparison.Ordinal) && text.EndsWith('>');
        var element = repeated ? text[2..] : map ? text[4..^1] : text;
        var pointer = element.EndsWith('?');
        element = element.TrimEnd('?');
        var kind = element switch
        {
            "string" => FieldKind.String,
            "bytes" => FieldKind.Bytes,
            "bool" => FieldKind.Bool,
            "int32" => FieldKind.Int32,
            "int64" => FieldKind.Int64,
            "Quantity" => FieldKind.Quantity,
            "IntOrString" => FieldKind.IntOrString,
            "Time" => FieldKind.Time,
            "MicroTime" => FieldKind.MicroTime,
            "FieldsV1" => FieldKind.FieldsV1,
            "RawExtension" => FieldKind.RawExtension,
            _ when element.Contains('.') => FieldKind.Message,
            _ => throw new FormatException($"unknown field type '{text}'"),
        };
        return new FieldType(kind, kind == FieldKind.Message ? element : null, repeated, map, pointer);
    }
}

/// <summary>
/// One field. An inline field is a Go struct embedded with <c>json:",inline"</c>: protobuf carries it as a
/// nested message, JSON has its members in the parent object.
/// </summary>
public sealed record FieldShape(int Number, string JsonName, FieldType Type)
{
    public bool Inline => JsonName == "(inline)";
}

/// <summary>
/// One protobuf message: its fields by number. A wrapper is a message Kubernetes uses only to put a list
/// inside a map value; its JSON form is the bare list.
/// </summary>
public sealed record MessageShape(string Name, IReadOnlyDictionary<int, FieldShape> Fields, FieldType? WrapperOf = null);

/// <summary>
/// The field table of the Kubernetes messages clients send as protobuf (client-go's typed clients do so
/// for built-in kinds since 1.32): field numbers, JSON names and types, read from <c>messages.txt</c>.
/// </summary>
public sealed class ProtobufSchema
{
    private readonly Dictionary<string, MessageShape> messages;

    private ProtobufSchema(Dictionary<string, MessageShape> messages) => this.messages = messages;

    public static ProtobufSchema Kubernetes { get; } = LoadEmbedded();

    public IReadOnlyDictionary<string, MessageShape> Messages => messages;

    public MessageShape? Find(string name) => messages.GetValueOrDefault(name);

    /// <summary>The message of a top-level object: <c>apps/v1 Deployment</c> is <c>apps.v1.Deployment</c>, <c>v1 Pod</c> is <c>core.v1.Pod</c>.</summary>
    public MessageShape? RootFor(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var package = slash < 0 ? "core" : apiVersion[..slash].Split('.')[0];
        var version = apiVersion[(slash + 1)..];
        return Find($"{package}.{version}.{kind}");
    }

    public static ProtobufSchema Parse(string text)
    {
        var messages = new Dictionary<string, MessageShape>(StringComparer.Ordinal);
        string? current = null;
        Dictionary<int, FieldShape>? fields = null;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                switch (parts)
                {
                    case ["message", var name]:
                        Close();
                        (current, fields) = (name, []);
                        break;
                    case ["wrapper", var name, var type]:
                        Close();
                        messages.Add(name, new MessageShape(name, new Dictionary<int, FieldShape>(), FieldType.Parse(type)));
                        break;
                    case [var number, var jsonName, var type] when fields is not null:
                        var field = new FieldShape(int.Parse(number, System.Globalization.CultureInfo.InvariantCulture), jsonName, FieldType.Parse(type));
                        fields.Add(field.Number, field);
                        break;
                    default:
                        throw new FormatException("expected 'message <name>', 'wrapper <name> <type>' or '<number> <jsonName> <type>'");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                throw new FormatException($"messages line {lineNumber}: {e.Message}", e);
            }
        }

        Close();
        foreach (var (name, shape) in messages)
        {
            foreach (var type in shape.Fields.Values.Select(f => f.Type).Append(shape.WrapperOf))
            {
                if (type?.Message is { } referenced && !messages.ContainsKey(referenced))
                {
                    throw new FormatException($"message {name} refers to {referenced}, which has no entry");
                }
            }
        }

        return new ProtobufSchema(messages);

        void Close()
        {
            if (current is not null)
            {
                messages.Add(current, new MessageShape(current, fields!));
            }

            (current, fields) = (null, null);
        }
    }

    private static ProtobufSchema LoadEmbedded()
    {
        using var stream = typeof(ProtobufSchema).Assembly.GetManifestResourceStream("KubePS.Engine.Api.Protobuf.messages.txt")
            ?? throw new InvalidOperationException("the protobuf field table is not embedded in the engine");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
