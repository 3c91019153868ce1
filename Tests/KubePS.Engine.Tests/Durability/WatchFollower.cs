using System.Text.Json.Nodes;

namespace KubePS.Engine.Tests.Durability;

/// <summary>
/// A client-go style reflector on the crash test's ConfigMaps: it watches from the last
/// resourceVersion it saw, across engine restarts, and re-lists only when the engine answers 410.
/// It checks that no event is missing: each update of a name carries the next sequence number.
/// </summary>
internal sealed class WatchFollower
{
    private readonly Dictionary<string, WrittenConfigMap> _view = [];
    private readonly List<string> _problems = [];
    private readonly Lock _sync = new();
    private long _lastResourceVersion;

    /// <summary>Watches opened, including the ones the engine answered with 410.</summary>
    public int Watches { get; private set; }

    public int Expirations { get; private set; }

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_sync)
            {
                return [.. _problems];
            }
        }
    }

    public long LastResourceVersion
    {
        get
        {
            lock (_sync)
            {
                return _lastResourceVersion;
            }
        }
    }

    public void Relist(long resourceVersion, IReadOnlyDictionary<string, WrittenConfigMap> items)
    {
        lock (_sync)
        {
            _view.Clear();
            foreach (var (name, content) in items)
            {
                _view[name] = content;
            }

            _lastResourceVersion = resourceVersion;
        }
    }

    /// <summary>Whether what the watch delivered adds up to exactly <paramref name="stored"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, WrittenConfigMap> stored)
    {
        lock (_sync)
        {
            return _view.Count == stored.Count && stored.All(s => _view.TryGetValue(s.Key, out var seen) && seen == s.Value);
        }
    }

    /// <summary>Follows the engine until it is killed: resumes from the last resourceVersion, re-lists on 410.</summary>
    public async Task RunAsync(HttpClient http, CancellationToken killed)
    {
        try
        {
            while (true)
            {
                var from = LastResourceVersion;
                var url = $"/api/v1/namespaces/{ConfigMapWriter.Namespace}/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={from}";
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                Watches++;
                while (await reader.ReadLineAsync() is { } line)
                {
                    var e = JsonNode.Parse(line)!;
                    if (e["type"]!.GetValue<string>() == "ERROR" && e["object"]!["code"]!.GetValue<int>() == 410)
                    {
                        Expirations++;
                        Relist(await ListAsync(http));
                        break;
                    }

                    Apply(e["type"]!.GetValue<string>(), e["object"]!);
                }
            }
        }
        catch (Exception e) when (killed.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The engine is gone; the next round resumes from the last resourceVersion seen.
        }
    }

    public static async Task<(long ResourceVersion, Dictionary<string, WrittenConfigMap> Items)> ListAsync(HttpClient http)
    {
        var list = JsonNode.Parse(await http.GetStringAsync($"/api/v1/namespaces/{ConfigMapWriter.Namespace}/configmaps"))!;
        var items = list["items"]!.AsArray()
            .Where(i => i!["metadata"]!["name"]!.GetValue<string>().StartsWith("cm-", StringComparison.Ordinal))
            .ToDictionary(i => i!["metadata"]!["name"]!.GetValue<string>(), i => ConfigMapWriter.Read(i!));
        return (long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>()), items);
    }

    private void Relist((long ResourceVersion, Dictionary<string, WrittenConfigMap> Items) list) => Relist(list.ResourceVersion, list.Items);

    private void Apply(string type, JsonNode obj)
    {
        var rv = long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>());
        lock (_sync)
        {
            if (rv <= _lastResourceVersion && type != "BOOKMARK")
            {
                _problems.Add($"{type} at resourceVersion {rv} after {_lastResourceVersion}");
            }

            _lastResourceVersion = Math.Max(_lastResourceVersion, rv);
            var name = obj["metadata"]!["name"]?.GetValue<string>();
            if (type is not ("ADDED" or "MODIFIED") || name is null || !name.StartsWith("cm-", StringComparison.Ordinal))
            {
                return;
            }

            var content = ConfigMapWriter.Read(obj);
            var expected = _view.TryGetValue(name, out var seen) ? seen.Sequence + 1 : 0;
            if (content.Sequence != expected)
            {
                _problems.Add($"{type} {name} with sequence {content.Sequence}, expected {expected}: a change was missed");
            }

            _view[name] = content;
        }
    }
}
