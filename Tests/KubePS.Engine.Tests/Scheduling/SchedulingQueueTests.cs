using k8s.Models;
using KubePS.Engine.Scheduling;

namespace KubePS.Engine.Tests.Scheduling;

/// <summary>The scheduling queue's order, back-off, and requeueing on cluster changes.</summary>
public sealed class SchedulingQueueTests
{
    private static readonly DateTime Created = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, int priority = 0, int ageSeconds = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = name, CreationTimestamp = Created.AddSeconds(-ageSeconds) },
        Spec = new V1PodSpec { Priority = priority },
    };

    [Fact]
    public void Higher_priority_goes_first_then_the_oldest()
    {
        var queue = new SchedulingQueue(new MovableClock());

        var order = queue.Due([Pod("young-low"), Pod("old-low", ageSeconds: 60), Pod("high", priority: 1000)]);

        Assert.Equal(["high", "old-low", "young-low"], order.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void A_pod_that_did_not_fit_waits_out_its_back_off_and_then_a_cluster_change()
    {
        var clock = new MovableClock();
        var queue = new SchedulingQueue(clock);
        var pod = Pod("big");

        queue.Failed(pod);
        queue.ClusterChanged();
        Assert.Empty(queue.Due([pod]));

        clock.Advance(SchedulingQueue.InitialBackoff);
        Assert.Single(queue.Due([pod]));

        queue.Failed(pod);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(queue.Due([pod]));
        queue.ClusterChanged();
        Assert.Single(queue.Due([pod]));
    }

    [Fact]
    public void Without_a_cluster_change_a_waiting_pod_is_tried_again_after_the_unschedulable_timeout()
    {
        var clock = new MovableClock();
        var queue = new SchedulingQueue(clock);
        var pod = Pod("big");
        queue.Failed(pod);

        clock.Advance(SchedulingQueue.MaxBackoff);
        Assert.Empty(queue.Due([pod]));

        clock.Advance(SchedulingQueue.UnschedulableTimeout - SchedulingQueue.MaxBackoff);
        Assert.Single(queue.Due([pod]));
    }

    [Fact]
    public void The_back_off_doubles_up_to_ten_seconds_and_a_scheduled_pod_starts_over()
    {
        var clock = new MovableClock();
        var queue = new SchedulingQueue(clock);
        var pod = Pod("big");
        var waits = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            queue.Failed(pod);
            queue.ClusterChanged();
            waits.Add(Math.Round((queue.NextDue!.Value - clock.GetUtcNow()).TotalSeconds));
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], waits);
        queue.Scheduled(pod);
        Assert.Null(queue.NextDue);
    }
}
