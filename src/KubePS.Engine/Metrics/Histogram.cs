using System.Globalization;
using System.Text;

namespace KubePS.Engine.Metrics;

/// <summary>A Prometheus histogram of seconds with fixed buckets, safe for concurrent observers.</summary>
public sealed class Histogram
{
    public static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[Buckets.Length];
    private readonly Lock _sync = new();
    private long _count;
    private double _sum;

    public void Observe(double seconds)
    {
        lock (_sync)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                if (seconds <= Buckets[i])
                {
                    _counts[i]++;
                }
            }

            _count++;
            _sum += seconds;
        }
    }

    /// <summary>Appends the bucket, sum and count lines of this series.</summary>
    public void Write(StringBuilder text, string name, string labels)
    {
        lock (_sync)
        {
            for (var i = 0; i < Buckets.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{Buckets[i]}\"}} {_counts[i]}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {_count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {_sum}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {_count}\n");
        }
    }
}
