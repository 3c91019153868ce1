namespace KubePS.Engine.Api.Protobuf;

/// <summary>The protobuf wire format of one message: tags, varints, fixed-width numbers and length-delimited runs.</summary>
public ref struct WireReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public readonly bool AtEnd => position >= data.Length;

    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field is 0 or > int.MaxValue)
        {
            throw new FormatException($"invalid field number {field} at byte {position}");
        }

        return ((int)field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("the body ends inside a number");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException($"a number longer than ten bytes at byte {position}");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(data.Length - position))
        {
            throw new FormatException($"a field of {length} bytes at byte {position} runs past the end of the body");
        }

        var run = data.Slice(position, (int)length);
        position += (int)length;
        return run;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadLengthDelimited(); break;
            case Fixed32: Take(4); break;
            default: throw new FormatException($"unsupported wire type {wireType} at byte {position}");
        }
    }

    private void Take(int count)
    {
        if (data.Length - position < count)
        {
            throw new FormatException("the body ends inside a number");
        }

        position += count;
    }
}
