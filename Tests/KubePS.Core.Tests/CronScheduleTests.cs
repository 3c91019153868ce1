using KubePS.Core.Schedules;

namespace KubePS.Core.Tests;

public sealed class CronScheduleTests
{
    private static readonly DateTime Start = new(2026, 11, 29, 10, 17, 30, DateTimeKind.Utc);

    [Theory]
    [InlineData("* * * * *", "2026-11-29T10:18")]
    [InlineData("*/15 * * * *", "2026-11-29T10:30")]
    [InlineData("5 4 * * *", "2026-11-30T04:05")]
    [InlineData("0 0 1 1 *", "2027-01-01T00:00")]
    [InlineData("@hourly", "2026-11-29T11:00")]
    [InlineData("@weekly", "2026-12-06T00:00")]
    [InlineData("0 9 * * MON-FRI", "2026-11-30T09:00")]
    [InlineData("30 8 1,15 FEB *", "2027-02-01T08:30")]
    [InlineData("0 0 13 * FRI", "2026-12-04T00:00")]
    [InlineData("0 12 * * 7", "2026-11-29T12:00")]
    public void Next_finds_the_first_matching_minute_after_the_given_time(string schedule, string expected) =>
        Assert.Equal(DateTime.Parse(expected), CronSchedule.Parse(schedule).Next(Start), TimeSpan.Zero);

    [Theory]
    [InlineData("* * * *")]
    [InlineData("61 * * * *")]
    [InlineData("* * * JANUARY *")]
    [InlineData("5-1 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("@often")]
    public void Bad_schedules_are_refused(string schedule) =>
        Assert.Throws<FormatException>(() => CronSchedule.Parse(schedule));
}
