using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KubePS.Core.Networking;

/// <summary>An IPv4 range in CIDR notation, such as the service range <c>10.96.0.0/12</c>.</summary>
public sealed record Ipv4Cidr
{
    private Ipv4Cidr(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>Kubernetes' default service range.</summary>
    public static Ipv4Cidr DefaultServiceRange { get; } = Parse("10.96.0.0/12");

    public uint Network { get; }

    public int PrefixLength { get; }

    /// <summary>How many addresses the range holds, its network and broadcast addresses included.</summary>
    public long Size => 1L << (32 - PrefixLength);

    public static Ipv4Cidr Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], out var prefix) || prefix is < 8 or > 30)
        {
            throw new FormatException($"'{text}' is not an IPv4 range such as 10.96.0.0/12 (prefix length 8 to 30)");
        }

        var mask = uint.MaxValue << (32 - prefix);
        return new Ipv4Cidr(ToUInt32(address) & mask, prefix);
    }

    public static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (ToUInt32(address) - Network) < (ulong)Size;

    /// <summary>The address <paramref name="offset"/> places after the network address (offset 1 is the first usable one).</summary>
    public IPAddress AddressAt(long offset)
    {
        if (offset < 0 || offset >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"not inside {this}");
        }

        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Network + (uint)offset);
        return new IPAddress(bytes);
    }

    public long OffsetOf(IPAddress address) => ToUInt32(address) - (long)Network;

    public override string ToString() => $"{AddressAt(0)}/{PrefixLength}";
}
