using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The controller base: failures are retried with growing waits, lost races too, and success ends the retries.</summary>
public sealed class ControllerTests
{
    private sealed class FlakyController(int failures, Func<int, Exception> failure)
        : Controller(TimeProvider.System, NullLogger.Instance, workers: 2, new WorkQueueLimits(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), 1000, 1000))
    {
        public List<(string Key, DateTime At)> Calls { get; } = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(string key) => Queue.Add(key);

        protected override IEnumerable<IInformer> Informers => [];

        protected override Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
        {
            int call;
            lock (Calls)
            {
                Calls.Add((key, DateTime.UtcNow));
                call = Calls.Count;
            }

            if (call <= failures)
            {
                throw failure(call);
            }

            Done.TrySetResult();
            return Task.FromResult<TimeSpan?>(null);
        }
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_growing_waits_until_it_succeeds()
    {
        using var controller = new FlakyController(3, call => new InvalidOperationException($"failure {call}"));
        await controller.StartAsync(CancellationToken.None);
        controller.Add("default/web");

        await controller.Done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await controller.StopAsync(CancellationToken.None);

        Assert.Equal(4, controller.Calls.Count);
        Assert.All(controller.Calls, c => Assert.Equal("default/web", c.Key));
        var waits = controller.Calls.Zip(controller.Calls.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(waits[0] >= TimeSpan.FromMilliseconds(40), $"first retry after {waits[0].TotalMilliseconds} ms");
        Assert.True(waits[2] >= TimeSpan.FromMilliseconds(180), $"third retry after {waits[2].TotalMilliseconds} ms, not 50 ms × 2²");
    }

    [Fact]
    public async Task A_lost_write_race_is_retried_like_any_failure()
    {
        using var controller = new FlakyController(2, _ => ApiException.Conflict(Core.Kinds.KindRegistry.ReplicaSet, "web", "the object has been modified"));
        await controller.StartAsync(CancellationToken.None);
        controller.Add("default/web");

        await controller.Done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await controller.StopAsync(CancellationToken.None);
        Assert.Equal(3, controller.Calls.Count);
    }
}
