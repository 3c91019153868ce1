namespace KubePS.NodeService.Pods;

/// <summary>Kubernetes' restart rules: which exits restart, and the crash back-off between restarts.</summary>
public static class RestartPolicy
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>A container that ran this long without failing starts its back-off from the beginning again.</summary>
    public static readonly TimeSpan BackoffReset = TimeSpan.FromMinutes(10);

    public static bool ShouldRestart(string? policy, int exitCode) => policy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    /// <summary>
    /// How long to wait after the exit of a container that has restarted <paramref name="restartCount"/>
    /// times: the first crash restarts at once, then 10 s doubling to 5 min; a container that ran
    /// for 10 minutes before it exited counts as crashing for the first time again.
    /// </summary>
    public static TimeSpan Backoff(int restartCount, DateTime? startedAt, DateTime? finishedAt)
    {
        if (restartCount == 0 || (startedAt is { } started && finishedAt is { } finished && finished - started >= BackoffReset))
        {
            return TimeSpan.Zero;
        }

        var seconds = InitialBackoff.TotalSeconds * Math.Pow(2, Math.Min(restartCount - 1, 10));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxBackoff.TotalSeconds));
    }
}
