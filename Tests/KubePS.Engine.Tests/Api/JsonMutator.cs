using System.Text;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Tests.Api;

/// <summary>Seeded random damage to a valid object: wrong types, huge or deep values, odd keys, broken bytes.</summary>
public sealed class JsonMutator(int seed)
{
    private readonly Random _random = new(seed);

    public byte[] Mutate(JsonObject valid)
    {
        var obj = (JsonObject)valid.DeepClone();
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            Damage(obj);
        }

        var bytes = Encoding.UTF8.GetBytes(obj.ToJsonString());
        return _random.Next(8) switch
        {
            0 => bytes[.._random.Next(bytes.Length)],
            1 => FlipByte(bytes),
            _ => bytes,
        };
    }

    private void Damage(JsonObject root)
    {
        var (parent, key) = PickSlot(root);
        var value = NastyValue();
        switch (parent)
        {
            case JsonObject o when _random.Next(5) == 0:
                o[RandomKey()] = value;
                break;
            case JsonObject o:
                o[key!] = value;
                break;
            case JsonArray a when a.Count > 0:
                a[_random.Next(a.Count)] = value;
                break;
            case JsonArray a:
                a.Add(value);
                break;
        }
    }

    // A random object or array inside the document and one of its keys.
    private (JsonNode Parent, string? Key) PickSlot(JsonObject root)
    {
        JsonNode current = root;
        while (true)
        {
            var children = current switch
            {
                JsonObject o => o.Select(p => (p.Key, p.Value)).ToList(),
                JsonArray a => a.Select((v, i) => (i.ToString(), v)).ToList(),
                _ => [],
            };
            if (children.Count == 0 || _random.Next(3) == 0)
            {
                return (current, current is JsonObject o2 && o2.Count > 0 ? o2.ElementAt(_random.Next(o2.Count)).Key : RandomKey());
            }

            var (key, child) = children[_random.Next(children.Count)];
            if (child is JsonObject or JsonArray)
            {
                current = child;
                continue;
            }

            return (current, key);
        }
    }

    private JsonNode? NastyValue() => _random.Next(16) switch
    {
        0 => null,
        1 => true,
        2 => -1,
        3 => long.MaxValue,
        4 => 1e308,
        5 => "",
        6 => new string('x', _random.Next(10_000, 300_000)),
        7 => "../../etc/passwd",
        8 => "\u0000\uffff\ud7ff",
        9 => new JsonArray(Enumerable.Range(0, _random.Next(1, 20_000)).Select(i => (JsonNode?)i).ToArray()),
        10 => Nested(_random.Next(10, 60)),
        11 => new JsonObject { ["$patch"] = "delete", [RandomKey()] = 1 },
        12 => new JsonObject(),
        13 => new JsonArray(),
        14 => "2024-13-45T99:99:99Z",
        _ => 0.5,
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }

    private string RandomKey() => _random.Next(4) switch
    {
        0 => "",
        1 => "$retainKeys",
        2 => new string('k', _random.Next(1, 500)),
        _ => "unknown" + _random.Next(100),
    };

    private byte[] FlipByte(byte[] bytes)
    {
        if (bytes.Length > 0)
        {
            bytes[_random.Next(bytes.Length)] = (byte)_random.Next(256);
        }

        return bytes;
    }
}
