using System.Text;

namespace KubePS.Engine.Tests.Api;

/// <summary>Writes protobuf wire bytes field by field, for building the bodies client-go would send.</summary>
public sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter Number(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A map entry: key in field 1, value in field 2.</summary>
    public ProtoWriter Entry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    public byte[] ToArray() => [.. _bytes];

    /// <summary>The whole body: the magic bytes and a runtime.Unknown around the object's message.</summary>
    public static byte[] Envelope(string apiVersion, string kind, Action<ProtoWriter> build)
    {
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Message(2, build);
        return [.. "k8s\0"u8, .. unknown.ToArray()];
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
    }
}
