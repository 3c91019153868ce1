using KubePS.Engine.Controllers.Framework;

namespace KubePS.Engine.Tests.Controllers;

public sealed class WorkQueueTests
{
    private static async Task<string?> TryTakeAsync(WorkQueue queue, int milliseconds = 200)
    {
        using var timeout = new CancellationTokenSource(milliseconds);
        try
        {
            return await queue.TakeAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_key_added_many_times_is_handed_out_once()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await TryTakeAsync(queue));
        Assert.Equal("b", await TryTakeAsync(queue));
        Assert.Null(await TryTakeAsync(queue));
    }

    [Fact]
    public async Task A_key_added_while_being_processed_waits_for_Done_and_is_not_lost()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.Add("a");
        var key = await TryTakeAsync(queue);
        queue.Add("a");

        Assert.Null(await TryTakeAsync(queue));
        queue.Done(key!);
        Assert.Equal("a", await TryTakeAsync(queue));
    }

    [Fact]
    public async Task Retries_back_off_exponentially_per_key_and_Forget_starts_over()
    {
        using var queue = new WorkQueue(TimeProvider.System, new WorkQueueLimits(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 1000, 1000));
        for (var failure = 0; failure < 3; failure++)
        {
            queue.AddRateLimited("a");
        }

        Assert.Equal(3, queue.Failures("a"));

        // The three delayed adds land at 100, 200 and 400 ms; all of them well before the take, even on a busy machine.
        await Task.Delay(1500);
        Assert.Equal("a", await TryTakeAsync(queue));
        queue.Done("a");
        Assert.Null(await TryTakeAsync(queue));

        var started = DateTime.UtcNow;
        queue.AddRateLimited("a");
        Assert.Equal("a", await TryTakeAsync(queue, 2000));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(750), "the fourth retry waits 100 ms × 2³");
        queue.Done("a");

        queue.Forget("a");
        started = DateTime.UtcNow;
        queue.AddRateLimited("a");
        Assert.Equal("a", await TryTakeAsync(queue, 1000));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(750));
    }

    [Fact]
    public async Task The_global_bucket_spaces_retries_of_different_keys()
    {
        using var queue = new WorkQueue(TimeProvider.System, new WorkQueueLimits(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), 5, 1));
        var started = DateTime.UtcNow;
        foreach (var key in new[] { "a", "b", "c" })
        {
            queue.AddRateLimited(key);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await TryTakeAsync(queue, 2000));
        }

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(350), "5 per second with a burst of 1: the third waits 400 ms");
    }
}
