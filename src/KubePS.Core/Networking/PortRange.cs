namespace KubePS.Core.Networking;

/// <summary>An inclusive port range such as the NodePort range <c>30000-32767</c>.</summary>
public sealed record PortRange(int First, int Last)
{
    public static PortRange DefaultNodePorts { get; } = new(30000, 32767);

    public int Count => Last - First + 1;

    public static PortRange Parse(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var first) || !int.TryParse(parts[1], out var last)
            || first < 1 || last > 65535 || first > last)
        {
            throw new FormatException($"'{text}' is not a port range such as 30000-32767");
        }

        return new PortRange(first, last);
    }

    public bool Contains(int port) => port >= First && port <= Last;

    public override string ToString() => $"{First}-{Last}";
}
