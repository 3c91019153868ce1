using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>postStart and preStop hooks, and a container killed for going over its memory limit.</summary>
public sealed class LifecycleTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IDisposable
{
    private readonly string _hostFolder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "kubeps-hooks-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    private Kubernetes Client => cluster.Client;

    public void Dispose() => Directory.Delete(_hostFolder, recursive: true);

    [Fact]
    public async Task PostStart_runs_before_the_container_counts_as_started_and_preStop_runs_before_SIGTERM()
    {
        var pod = ClusterFixture.Pod("hooked", "until [ -f /tmp/post-started ]; do sleep 0.1; done; echo saw post-start; trap 'echo term >> /out/order; exit 0' TERM; while true; do sleep 0.2; done");
        pod.Spec.TerminationGracePeriodSeconds = 10;
        pod.Spec.Volumes = [new V1Volume { Name = "out", HostPath = new V1HostPathVolumeSource { Path = _hostFolder } }];
        var app = pod.Spec.Containers[0];
        app.VolumeMounts = [new V1VolumeMount { Name = "out", MountPath = "/out" }];
        app.Lifecycle = new V1Lifecycle
        {
            PostStart = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", "touch /tmp/post-started"] } },
            PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", "echo pre-stop >> /out/order"] } },
        };
        await Client.CreateNamespacedPodAsync(pod, "default");
        await cluster.WaitForPodAsync("hooked", p => p.Status?.Phase == "Running");
        await ClusterFixture.Eventually(async () =>
        {
            using var stream = await Client.ReadNamespacedPodLogAsync("hooked", "default");
            return (await new StreamReader(stream).ReadToEndAsync()).Contains("saw post-start") ? "seen" : null;
        });

        await Client.DeleteNamespacedPodAsync("hooked", "default");

        var order = await ClusterFixture.Eventually(async () =>
        {
            var path = Path.Combine(_hostFolder, "order");
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            return text.Contains("term") ? text : null;
        });
        Assert.Equal("pre-stop\nterm\n", order);
    }

    [Fact]
    public async Task A_container_over_its_memory_limit_is_OOMKilled()
    {
        var pod = ClusterFixture.Pod("hungry", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived; sleep 3600", restartPolicy: "Never");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Mi") } };
        await Client.CreateNamespacedPodAsync(pod, "default");

        var failed = await cluster.WaitForPodAsync("hungry", p => p.Status?.Phase == "Failed");
        var terminated = failed.Status.ContainerStatuses[0].State.Terminated;
        Assert.Equal("OOMKilled", terminated.Reason);
        Assert.Equal(137, terminated.ExitCode);
    }
}
