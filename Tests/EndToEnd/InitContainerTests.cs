using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Init containers: one at a time, in order, to completion, before the app containers.</summary>
public sealed class InitContainerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private static V1Container Init(string name, string command) =>
        new() { Name = name, Image = "kubeps/busybox:1", Command = ["sh", "-c", command] };

    [Fact]
    public async Task Init_containers_run_in_order_to_completion_before_the_app_starts()
    {
        var pod = ClusterFixture.Pod("init-order", "sleep 3600");
        pod.Spec.InitContainers = [Init("first", "sleep 2"), Init("second", "sleep 1")];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var initializing = await cluster.WaitForPodAsync("init-order", p => p.Status?.InitContainerStatuses?.FirstOrDefault()?.State?.Running is not null);
        Assert.Equal("Pending", initializing.Status.Phase);
        Assert.Contains(initializing.Status.Conditions, c => c is { Type: "Initialized", Status: "False", Reason: "ContainersNotInitialized" });
        Assert.Equal("PodInitializing", initializing.Status.ContainerStatuses[0].State.Waiting.Reason);
        Assert.NotNull(initializing.Status.InitContainerStatuses[1].State.Waiting);

        var running = await cluster.WaitForPodAsync("init-order", p => p.Status?.Phase == "Running");
        var first = running.Status.InitContainerStatuses[0].State.Terminated;
        var second = running.Status.InitContainerStatuses[1].State.Terminated;
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.True(first.FinishedAt <= second.StartedAt);
        Assert.True(second.FinishedAt <= running.Status.ContainerStatuses[0].State.Running.StartedAt);
        Assert.Contains(running.Status.Conditions, c => c is { Type: "Initialized", Status: "True" });
        Assert.All(running.Status.InitContainerStatuses, s => Assert.True(s.Ready));
    }

    [Fact]
    public async Task A_failing_init_container_under_restartPolicy_Never_fails_the_pod_and_the_app_never_starts()
    {
        var pod = ClusterFixture.Pod("init-fails", "sleep 3600", restartPolicy: "Never");
        pod.Spec.InitContainers = [Init("check", "exit 3")];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var failed = await cluster.WaitForPodAsync("init-fails", p => p.Status?.Phase == "Failed");
        Assert.Equal(3, failed.Status.InitContainerStatuses[0].State.Terminated.ExitCode);
        await Task.Delay(1000);
        Assert.DoesNotContain(await cluster.ContainersOfAsync("init-fails"), c => c.Labels[Core.Kinds.WellKnown.ContainerLabels.ContainerName] == "app");
    }

    [Fact]
    public async Task A_failing_init_container_under_restartPolicy_Always_is_retried_with_back_off()
    {
        var pod = ClusterFixture.Pod("init-retries", "sleep 3600");
        pod.Spec.InitContainers = [Init("flaky", "exit 1")];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var backingOff = await cluster.WaitForPodAsync("init-retries", p => p.Status?.InitContainerStatuses?[0].State?.Waiting?.Reason == "CrashLoopBackOff");
        Assert.Equal("Pending", backingOff.Status.Phase);
        Assert.Equal(1, backingOff.Status.InitContainerStatuses[0].LastState.Terminated.ExitCode);
        var retried = await cluster.WaitForPodAsync("init-retries", p => p.Status?.InitContainerStatuses?[0].RestartCount >= 1, seconds: 40);
        Assert.Equal("Pending", retried.Status.Phase);
    }
}
