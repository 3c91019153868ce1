using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Jobs and StatefulSets on a real engine, a real node service and a real Docker Engine.</summary>
public sealed class WorkloadTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private static V1PodTemplateSpec Template(string app, string command, string restartPolicy) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = ClusterFixture.Pod(app, command, restartPolicy).Spec,
    };

    private async Task<V1Job> FinishedJobAsync(string name, string condition, int seconds = 90) =>
        await ClusterFixture.Eventually(async () =>
            await Client.ReadNamespacedJobAsync(name, "default") is { Status.Conditions: { } c } job && c.Any(x => x.Type == condition && x.Status == "True") ? job : null, seconds);

    [Fact]
    public async Task A_job_with_completions_3_and_parallelism_2_completes_never_running_more_than_2_pods()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "batch" },
            Spec = new V1JobSpec { Completions = 3, Parallelism = 2, Template = Template("batch", "sleep 2", "Never") },
        };
        await Client.CreateNamespacedJobAsync(job, "default");

        var mostRunning = 0;
        var done = FinishedJobAsync("batch", "Complete");
        while (!done.IsCompleted)
        {
            var pods = (await Client.ListNamespacedPodAsync("default", labelSelector: "job-name=batch")).Items;
            mostRunning = Math.Max(mostRunning, pods.Count(p => p.Status?.Phase is "Pending" or "Running" && p.Metadata.DeletionTimestamp is null));
            await Task.Delay(100);
        }

        var finished = await done;
        Assert.Equal(3, finished.Status.Succeeded);
        Assert.Equal(2, mostRunning);
        Assert.Equal(3, (await Client.ListNamespacedPodAsync("default", labelSelector: "job-name=batch")).Items.Count(p => p.Status.Phase == "Succeeded"));
    }

    [Fact]
    public async Task A_failing_job_retries_after_a_back_off_and_stops_at_its_backoff_limit()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "doomed" },
            Spec = new V1JobSpec { BackoffLimit = 1, Template = Template("doomed", "exit 3", "Never") },
        };
        await Client.CreateNamespacedJobAsync(job, "default");

        var failed = await FinishedJobAsync("doomed", "Failed", seconds: 60);
        Assert.Equal("BackoffLimitExceeded", failed.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        var pods = (await Client.ListNamespacedPodAsync("default", labelSelector: "job-name=doomed")).Items.OrderBy(p => p.Metadata.CreationTimestamp).ToList();
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(3, p.Status.ContainerStatuses.Single().State.Terminated.ExitCode));
        var firstEnded = pods[0].Status.ContainerStatuses.Single().State.Terminated.FinishedAt!.Value;
        Assert.True(pods[1].Metadata.CreationTimestamp >= firstEnded.AddSeconds(9), "the retry waited out the 10 s back-off");
    }

    [Fact]
    public async Task A_stateful_set_starts_its_pods_in_order_and_a_replaced_pod_finds_its_own_claims_data()
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 3,
                ServiceName = "web",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = Template("web", "test -f /data/name || hostname > /data/name; trap 'exit 0' TERM; while true; do sleep 1; done", "Always"),
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("16Mi") } },
                        },
                    },
                ],
            },
        };
        set.Spec.Template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }];
        await Client.CreateNamespacedStatefulSetAsync(set, "default");

        var pods = await ClusterFixture.Eventually(async () =>
            (await Client.ListNamespacedPodAsync("default", labelSelector: "app=web")).Items is { Count: 3 } p && p.All(x => x.Status?.Phase == "Running") ? p : null, seconds: 90);
        var byStart = pods.OrderBy(p => p.Status.StartTime).Select(p => p.Metadata.Name).ToList();
        Assert.Equal(["web-0", "web-1", "web-2"], byStart);
        var ready = pods.ToDictionary(p => p.Metadata.Name, p => p.Status.Conditions.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.True(ready["web-0"] <= pods.Single(p => p.Metadata.Name == "web-1").Metadata.CreationTimestamp, "web-1 was created only after web-0 was ready");

        var uid = pods.Single(p => p.Metadata.Name == "web-1").Metadata.Uid;
        await Client.DeleteNamespacedPodAsync("web-1", "default");
        await cluster.WaitForPodAsync("web-1", p => p.Metadata.Uid != uid && p.Status?.Phase == "Running", seconds: 60);
        var (exitCode, output) = await cluster.Kubectl.RunAsync("exec", "web-1", "--", "cat", "/data/name");
        Assert.Equal(0, exitCode);
        Assert.Equal("web-1", output.Trim());
        Assert.Equal(["data-web-0", "data-web-1", "data-web-2"], (await Client.ListNamespacedPersistentVolumeClaimAsync("default")).Items.Select(c => c.Metadata.Name).Order());
    }
}
