using k8s.Models;
using KubePS.Core.Printing;

namespace KubePS.Core.Tests;

public sealed class PrintingTests
{
    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(200, "3m20s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 600, "3h10m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 7200, "3d2h")]
    [InlineData(40 * 86400, "40d")]
    [InlineData(3 * 365 * 86400 + 86400, "3y1d")]
    public void Ages_read_like_kubectl(int seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    private static V1Pod Pod(params V1ContainerStatus[] statuses) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec { Containers = statuses.Select(s => new V1Container { Name = s.Name }).ToList() },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = statuses },
    };

    [Fact]
    public void A_waiting_reason_shows_as_the_pod_status()
    {
        var pod = Pod(new V1ContainerStatus { Name = "a", RestartCount = 3, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } });
        Assert.Equal("CrashLoopBackOff", PodPrinting.Status(pod));
        Assert.Equal("0/1", PodPrinting.Ready(pod));
        Assert.Equal(3, PodPrinting.Restarts(pod));
    }

    [Fact]
    public void A_running_ready_pod_is_Running_and_a_deleted_one_Terminating()
    {
        var pod = Pod(new V1ContainerStatus { Name = "a", Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning() } });
        Assert.Equal("Running", PodPrinting.Status(pod));
        Assert.Equal("1/1", PodPrinting.Ready(pod));
        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.Equal("Terminating", PodPrinting.Status(pod));
    }

    [Fact]
    public void Node_status_and_roles()
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "n", Labels = new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" } },
            Spec = new V1NodeSpec { Unschedulable = true },
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }] },
        };
        Assert.Equal("Ready,SchedulingDisabled", NodePrinting.Status(node));
        Assert.Equal("control-plane", NodePrinting.Roles(node));
    }
}
