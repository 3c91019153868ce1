using KubePS.NodeService.Pods;

namespace KubePS.NodeService.Tests;

public sealed class RestartPolicyTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)]
    [InlineData(40, 300)]
    public void The_back_off_starts_after_the_first_crash_at_10_seconds_and_doubles_to_5_minutes(int restarts, int seconds)
    {
        var started = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(TimeSpan.FromSeconds(seconds), RestartPolicy.Backoff(restarts, started, started.AddSeconds(5)));
    }

    [Fact]
    public void A_container_that_ran_ten_minutes_restarts_at_once_whatever_its_count()
    {
        var started = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(TimeSpan.Zero, RestartPolicy.Backoff(7, started, started.AddMinutes(10)));
        Assert.Equal(TimeSpan.FromMinutes(5), RestartPolicy.Backoff(7, started, started.AddMinutes(9)));
    }

    [Theory]
    [InlineData("Always", 0, true)]
    [InlineData("Always", 1, true)]
    [InlineData("OnFailure", 0, false)]
    [InlineData("OnFailure", 2, true)]
    [InlineData("Never", 2, false)]
    [InlineData(null, 0, true)]
    public void Which_exits_restart(string? policy, int exitCode, bool restarts) =>
        Assert.Equal(restarts, RestartPolicy.ShouldRestart(policy, exitCode));
}
