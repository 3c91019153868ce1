using System.Collections.Concurrent;
using System.Text;

namespace KubePS.Engine.Metrics;

/// <summary>
/// What <c>/metrics</c> reports, in Prometheus text format: requests by verb, resource and code with
/// their latencies, open watches, and store write latency.
/// </summary>
public sealed class EngineMetrics
{
    private readonly ConcurrentDictionary<(string Verb, string Resource, int Code), long> _requests = new();
    private readonly ConcurrentDictionary<(string Verb, string Resource), Histogram> _latency = new();
    private readonly ConcurrentDictionary<string, long> _watches = new();
    private readonly ConcurrentDictionary<string, Histogram> _storeWrites = new();

    public void RecordRequest(string verb, string resource, int code, TimeSpan elapsed)
    {
        _requests.AddOrUpdate((verb, resource, code), 1, (_, n) => n + 1);
        _latency.GetOrAdd((verb, resource), _ => new Histogram()).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Counts a watch as open until the returned scope is disposed.</summary>
    public IDisposable TrackWatch(string resource)
    {
        _watches.AddOrUpdate(resource, 1, (_, n) => n + 1);
        return new Scope(() => _watches.AddOrUpdate(resource, 0, (_, n) => n - 1));
    }

    public void RecordStoreWrite(string operation, TimeSpan elapsed) =>
        _storeWrites.GetOrAdd(operation, _ => new Histogram()).Observe(elapsed.TotalSeconds);

    public string Render()
    {
        var text = new StringBuilder();
        text.Append("# HELP apiserver_request_total Counter of API requests by verb, resource and HTTP code.\n");
        text.Append("# TYPE apiserver_request_total counter\n");
        foreach (var ((verb, resource, code), count) in _requests.OrderBy(r => r.Key))
        {
            text.Append($"apiserver_request_total{{verb=\"{verb}\",resource=\"{resource}\",code=\"{code}\"}} {count}\n");
        }

        text.Append("# HELP apiserver_request_duration_seconds Response latency by verb and resource.\n");
        text.Append("# TYPE apiserver_request_duration_seconds histogram\n");
        foreach (var ((verb, resource), histogram) in _latency.OrderBy(r => r.Key))
        {
            histogram.Write(text, "apiserver_request_duration_seconds", $"verb=\"{verb}\",resource=\"{resource}\"");
        }

        text.Append("# HELP apiserver_longrunning_requests Open watch requests by resource.\n");
        text.Append("# TYPE apiserver_longrunning_requests gauge\n");
        foreach (var (resource, count) in _watches.OrderBy(w => w.Key))
        {
            text.Append($"apiserver_longrunning_requests{{verb=\"WATCH\",resource=\"{resource}\"}} {count}\n");
        }

        text.Append("# HELP kubeps_store_write_duration_seconds Latency of durable store writes by operation.\n");
        text.Append("# TYPE kubeps_store_write_duration_seconds histogram\n");
        foreach (var (operation, histogram) in _storeWrites.OrderBy(w => w.Key))
        {
            histogram.Write(text, "kubeps_store_write_duration_seconds", $"operation=\"{operation}\"");
        }

        return text.ToString();
    }

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                onDispose();
            }
        }
    }
}
