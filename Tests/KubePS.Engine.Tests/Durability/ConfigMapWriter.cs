using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Tests.Durability;

/// <summary>A ConfigMap and the content a write gave it.</summary>
internal sealed record WrittenConfigMap(long ResourceVersion, int Sequence, string Payload);

/// <summary>
/// One client that creates and updates its own ConfigMaps as fast as the engine answers, and
/// remembers every write the engine acknowledged and the one it was waiting on when the engine died.
/// Each name has this one writer, so its last acknowledged write is the latest one the store may hold.
/// </summary>
internal sealed class ConfigMapWriter(int id, int seed)
{
    public const string Namespace = "crash";
    private const int NamesPerWriter = 15;
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, WrittenConfigMap> _acknowledged = [];

    public IReadOnlyDictionary<string, WrittenConfigMap> Acknowledged => _acknowledged;

    /// <summary>The write sent but not answered when the engine died: it may or may not have been stored.</summary>
    public (string Name, WrittenConfigMap Content)? Pending { get; private set; }

    public int Writes { get; private set; }

    public bool Owns(string name) => name.StartsWith($"cm-{id}-", StringComparison.Ordinal);

    /// <summary>Writes until the engine is killed; every answer before that must be a success above <paramref name="floor"/>.</summary>
    public async Task RunAsync(HttpClient http, long floor, CancellationToken killed)
    {
        while (true)
        {
            var (name, previous) = Next();
            var content = new WrittenConfigMap(0, previous is null ? 0 : previous.Sequence + 1, RandomPayload());
            Pending = (name, content);
            HttpResponseMessage response;
            try
            {
                response = previous is null
                    ? await http.PostAsJsonAsync($"/api/v1/namespaces/{Namespace}/configmaps", Body(name, content, null))
                    : await http.PutAsJsonAsync($"/api/v1/namespaces/{Namespace}/configmaps/{name}", Body(name, content, previous.ResourceVersion));
            }
            catch (Exception e) when (killed.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
            {
                return;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"writer {id}: {(int)response.StatusCode} on {name}: {text}");
                }

                var rv = long.Parse(JsonNode.Parse(text)!["metadata"]!["resourceVersion"]!.GetValue<string>());
                if (rv <= floor || (previous is not null && rv <= previous.ResourceVersion))
                {
                    throw new InvalidOperationException($"writer {id}: {name} acknowledged at resourceVersion {rv}, not above {Math.Max(floor, previous?.ResourceVersion ?? 0)}");
                }

                _acknowledged[name] = content with { ResourceVersion = rv };
                Pending = null;
                Writes++;
            }
        }
    }

    /// <summary>Takes the store's state after a restart as the new starting point (a pending write may have landed).</summary>
    public void Adopt(IReadOnlyDictionary<string, WrittenConfigMap> stored)
    {
        foreach (var (name, content) in stored.Where(s => Owns(s.Key)))
        {
            _acknowledged[name] = content;
        }

        Pending = null;
    }

    public static WrittenConfigMap Read(JsonNode item) => new(
        long.Parse(item["metadata"]!["resourceVersion"]!.GetValue<string>()),
        int.Parse(item["data"]!["seq"]!.GetValue<string>()),
        item["data"]!["payload"]!.GetValue<string>());

    private (string Name, WrittenConfigMap? Previous) Next()
    {
        if (_acknowledged.Count < NamesPerWriter && _random.Next(3) == 0)
        {
            return ($"cm-{id}-{_acknowledged.Count}", null);
        }

        if (_acknowledged.Count == 0)
        {
            return ($"cm-{id}-0", null);
        }

        var name = $"cm-{id}-{_random.Next(_acknowledged.Count)}";
        return (name, _acknowledged[name]);
    }

    private string RandomPayload() => Convert.ToHexString(BitConverter.GetBytes(_random.NextInt64())) + new string('x', _random.Next(200));

    private static JsonObject Body(string name, WrittenConfigMap content, long? resourceVersion)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = Namespace };
        if (resourceVersion is { } rv)
        {
            metadata["resourceVersion"] = rv.ToString();
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = metadata,
            ["data"] = new JsonObject { ["seq"] = content.Sequence.ToString(), ["payload"] = content.Payload },
        };
    }
}
