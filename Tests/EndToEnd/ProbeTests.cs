using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Startup, liveness and readiness probes (exec, HTTP GET, TCP) against real containers.</summary>
public sealed class ProbeTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private static V1Probe Exec(string command, int failureThreshold = 1) => new()
    {
        Exec = new V1ExecAction { Command = ["sh", "-c", command] },
        PeriodSeconds = 1,
        FailureThreshold = failureThreshold,
    };

    private static bool Ready(V1Pod pod) => pod.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true;

    [Fact]
    public async Task A_readiness_probe_flips_the_pods_Ready_condition_both_ways()
    {
        var pod = ClusterFixture.Pod("readiness", "sleep 3; touch /tmp/ready; sleep 4; rm /tmp/ready; sleep 3600");
        pod.Spec.Containers[0].ReadinessProbe = Exec("test -f /tmp/ready");
        await Client.CreateNamespacedPodAsync(pod, "default");

        var running = await cluster.WaitForPodAsync("readiness", p => p.Status?.Phase == "Running");
        Assert.False(Ready(running));
        Assert.False(running.Status.ContainerStatuses[0].Ready);

        var ready = await cluster.WaitForPodAsync("readiness", Ready, seconds: 20);
        Assert.True(ready.Status.ContainerStatuses[0].Ready);

        var unready = await cluster.WaitForPodAsync("readiness", p => !Ready(p), seconds: 20);
        Assert.Contains(unready.Status.Conditions, c => c is { Type: "Ready", Reason: "ContainersNotReady" });
        Assert.Equal(0, unready.Status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public async Task A_failing_liveness_probe_restarts_the_container()
    {
        var pod = ClusterFixture.Pod("liveness", "echo started; sleep 2; touch /tmp/sick; sleep 3600");
        pod.Spec.Containers[0].LivenessProbe = Exec("test ! -f /tmp/sick");
        await Client.CreateNamespacedPodAsync(pod, "default");

        var restarted = await cluster.WaitForPodAsync("liveness", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 1, seconds: 40);
        var terminated = restarted.Status.ContainerStatuses[0].LastState.Terminated;
        Assert.NotNull(terminated);
        Assert.NotEqual(0, terminated.ExitCode);
        Assert.Equal("Running", restarted.Status.Phase);

        // kubectl describe shows why: the node recorded the failed probe and the kill.
        var events = (await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=liveness")).Items;
        Assert.Contains(events, e => e is { Reason: "Unhealthy", Type: "Warning" } && e.Message.StartsWith("Liveness probe failed", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Reason == "Killing" && e.Message == "Container app failed liveness probe, will be restarted");
        Assert.Contains(events, e => e.Reason == "Started" && e.Source.Host == cluster.NodeName);
    }

    [Fact]
    public async Task HTTP_and_TCP_probes_reach_the_pod_on_its_address()
    {
        var pod = ClusterFixture.Pod("web-probed", "mkdir -p /www; echo home > /www/index.html; httpd -p 8080 -h /www; sleep 3; echo fine > /www/health; sleep 3600");
        var app = pod.Spec.Containers[0];
        app.Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }];
        app.ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" }, PeriodSeconds = 1 };
        app.LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 1, InitialDelaySeconds = 1 };
        await Client.CreateNamespacedPodAsync(pod, "default");

        var running = await cluster.WaitForPodAsync("web-probed", p => p.Status?.Phase == "Running");
        Assert.False(Ready(running));
        await cluster.WaitForPodAsync("web-probed", Ready, seconds: 20);
        await Task.Delay(3000);
        var later = await Client.ReadNamespacedPodAsync("web-probed", "default");
        Assert.True(Ready(later));
        Assert.Equal(0, later.Status.ContainerStatuses[0].RestartCount);
    }

    [Fact]
    public async Task Liveness_and_readiness_wait_for_the_startup_probe()
    {
        var pod = ClusterFixture.Pod("slow-start", "sleep 4; touch /tmp/started; sleep 3600");
        var app = pod.Spec.Containers[0];
        app.StartupProbe = Exec("test -f /tmp/started", failureThreshold: 30);
        app.LivenessProbe = Exec("test -f /tmp/started");
        await Client.CreateNamespacedPodAsync(pod, "default");

        var starting = await cluster.WaitForPodAsync("slow-start", p => p.Status?.Phase == "Running");
        Assert.False(starting.Status.ContainerStatuses[0].Started);
        Assert.False(Ready(starting));

        var started = await cluster.WaitForPodAsync("slow-start", p => p.Status?.ContainerStatuses?[0].Started == true, seconds: 20);
        Assert.True(Ready(started));
        Assert.Equal(0, started.Status.ContainerStatuses[0].RestartCount);
    }
}
