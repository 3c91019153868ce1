using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Pods on a real engine, a real node service and a real Docker Engine.</summary>
public sealed class PodLifecycleTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    [Fact]
    public async Task A_pod_reaches_Running_and_its_log_is_readable_through_the_engine()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("web", "echo hello; sleep 3600"), "default");

        var pod = await cluster.WaitForPodAsync("web", p => p.Status?.Phase == "Running");
        Assert.Equal(cluster.NodeName, pod.Spec.NodeName);
        Assert.StartsWith("172.", pod.Status.PodIP);
        var status = Assert.Single(pod.Status.ContainerStatuses);
        Assert.True(status.Ready);
        Assert.StartsWith("docker://", status.ContainerID);
        Assert.Contains(pod.Status.Conditions, c => c is { Type: "Ready", Status: "True" });

        var log = await ClusterFixture.Eventually(async () =>
        {
            using var stream = await Client.ReadNamespacedPodLogAsync("web", "default");
            var text = await new StreamReader(stream).ReadToEndAsync();
            return text.Contains("hello") ? text : null;
        });
        Assert.Equal("hello\n", log);
    }

    [Fact]
    public async Task Deleting_a_pod_stops_and_removes_its_containers()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("doomed", "sleep 3600"), "default");
        await cluster.WaitForPodAsync("doomed", p => p.Status?.Phase == "Running");
        Assert.Equal(2, (await cluster.ContainersOfAsync("doomed")).Count);

        await Client.DeleteNamespacedPodAsync("doomed", "default");

        await ClusterFixture.Eventually(async () =>
        {
            try
            {
                await Client.ReadNamespacedPodAsync("doomed", "default");
                return null;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return "gone";
            }
        });
        Assert.Empty(await cluster.ContainersOfAsync("doomed"));
    }

    [Fact]
    public async Task A_terminating_pod_that_ignores_SIGTERM_does_not_hold_up_other_pods()
    {
        var stubborn = ClusterFixture.Pod("stubborn", "trap '' TERM; while true; do sleep 1; done");
        stubborn.Spec.TerminationGracePeriodSeconds = 30;
        await Client.CreateNamespacedPodAsync(stubborn, "default");
        await cluster.WaitForPodAsync("stubborn", p => p.Status?.Phase == "Running");

        await Client.DeleteNamespacedPodAsync("stubborn", "default");
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("bystander", "sleep 3600"), "default");

        await cluster.WaitForPodAsync("bystander", p => p.Status?.Phase == "Running", seconds: 15);
        Assert.NotNull((await Client.ReadNamespacedPodAsync("stubborn", "default")).Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task A_pod_whose_command_exits_zero_with_restartPolicy_Never_ends_Succeeded()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("once", "echo done", "Never"), "default");

        var pod = await cluster.WaitForPodAsync("once", p => p.Status?.Phase is "Succeeded" or "Failed");

        Assert.Equal("Succeeded", pod.Status.Phase);
        var terminated = Assert.Single(pod.Status.ContainerStatuses).State.Terminated;
        Assert.Equal(0, terminated.ExitCode);
        Assert.Equal("Completed", terminated.Reason);
        Assert.Equal(0, pod.Status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public async Task A_failing_command_with_restartPolicy_Never_ends_Failed_with_its_exit_code()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("fails", "exit 3", "Never"), "default");

        var pod = await cluster.WaitForPodAsync("fails", p => p.Status?.Phase is "Succeeded" or "Failed");

        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Equal(3, pod.Status.ContainerStatuses[0].State.Terminated.ExitCode);
        Assert.Equal("Error", pod.Status.ContainerStatuses[0].State.Terminated.Reason);
    }

    [Fact]
    public async Task A_crashing_container_is_restarted_and_backs_off_as_CrashLoopBackOff()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("crasher", "echo attempt; exit 1"), "default");

        // The first crash restarts at once; the second waits 10 s, the third 20 s.
        var pod = await cluster.WaitForPodAsync("crasher", p =>
            p.Status?.ContainerStatuses?.FirstOrDefault() is { RestartCount: 1, State.Waiting.Reason: "CrashLoopBackOff" });
        var status = pod.Status.ContainerStatuses[0];
        Assert.Equal(1, status.LastState.Terminated.ExitCode);
        Assert.StartsWith("back-off 10s restarting failed container=app pod=crasher_default", status.State.Waiting.Message);
        Assert.Equal("Running", pod.Status.Phase);

        var later = await cluster.WaitForPodAsync("crasher", p =>
            p.Status?.ContainerStatuses?.FirstOrDefault() is { RestartCount: 2, State.Waiting.Reason: "CrashLoopBackOff" }, seconds: 40);
        Assert.StartsWith("back-off 20s", later.Status.ContainerStatuses[0].State.Waiting.Message);

        // One BackOff event per crash that waits, as kubectl describe shows them.
        var events = (await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=crasher")).Items;
        Assert.Equal(2, events.Count(e => e is { Reason: "BackOff", Type: "Warning" }));
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_reports_ErrImagePull_then_ImagePullBackOff()
    {
        // A closed port on loopback: the pull fails on this machine, without traffic leaving it.
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("nopull", "true", image: "localhost:5999/missing:1"), "default");

        var reasons = new HashSet<string>();
        await cluster.WaitForPodAsync("nopull", p =>
        {
            if (p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting is { } waiting)
            {
                reasons.Add(waiting.Reason);
                Assert.Contains("localhost:5999/missing:1", waiting.Message);
            }

            return reasons.Contains("ImagePullBackOff");
        }, seconds: 40);
        Assert.Equal("Pending", (await Client.ReadNamespacedPodAsync("nopull", "default")).Status.Phase);
    }
}
