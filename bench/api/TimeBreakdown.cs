using System.Globalization;
using System.Text.RegularExpressions;
using KubePS.Bench;

namespace KubePS.Bench.Api;

/// <summary>Where a create's time goes, from the engine's own /metrics: the whole request against the store write in it.</summary>
internal static partial class TimeBreakdown
{
    public static async Task<string> DescribeAsync(BenchEngine engine)
    {
        using var http = engine.CreateClient();
        var metrics = await http.GetStringAsync("/metrics");
        var request = Mean(metrics, "apiserver_request_duration_seconds", "verb=\"CREATE\",resource=\"configmaps\"");
        var store = Mean(metrics, "kubeps_store_write_duration_seconds", "operation=\"create\"");
        return string.Create(CultureInfo.InvariantCulture,
            $"Engine-side mean over every create: request {request * 1000:F2} ms, of which the store write (its lock wait included) {store * 1000:F2} ms.");
    }

    private static double Mean(string metrics, string name, string labels)
    {
        var sum = Value(metrics, $"{name}_sum{{{labels}}}");
        var count = Value(metrics, $"{name}_count{{{labels}}}");
        return count == 0 ? double.NaN : sum / count;
    }

    private static double Value(string metrics, string series) =>
        Sample().Matches(metrics).Where(m => m.Groups[1].Value == series).Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).FirstOrDefault();

    [GeneratedRegex(@"^(\S+\}|\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
