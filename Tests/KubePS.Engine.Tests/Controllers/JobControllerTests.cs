using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The Job controller on a real engine, with a stand-in kubelet finishing pods.</summary>
public sealed class JobControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Job Job(string name, int? completions = 1, int parallelism = 1, int backoffLimit = 6, string? mode = null)
    {
        var template = Workloads.Template(name);
        template.Spec.RestartPolicy = "Never";
        return new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec { Completions = completions, Parallelism = parallelism, BackoffLimit = backoffLimit, CompletionMode = mode, Template = template },
        };
    }

    private Task<V1Job> JobWithConditionAsync(string ns, string name, string type, int seconds = 20) =>
        ApiIntegrationTests.Eventually(async () =>
            await Client.ReadNamespacedJobAsync(name, ns) is { Status.Conditions: { } c } job && c.Any(x => x.Type == type && x.Status == "True") ? job : null, seconds);

    [Fact]
    public async Task A_job_runs_at_most_parallelism_pods_until_completions_succeed()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "job-complete");
        await Client.CreateNamespacedJobAsync(Job("calc", completions: 3, parallelism: 2), ns);

        var succeeded = new HashSet<string>();
        while (succeeded.Count < 3)
        {
            var active = await Workloads.ActivePodsAsync(Client, ns, "job-name=calc", Math.Min(2, 3 - succeeded.Count));
            Assert.True(active.Count <= 2);
            await Workloads.SetPhaseAsync(Client, active[0], "Succeeded");
            succeeded.Add(active[0].Metadata.Name);
        }

        var job = await JobWithConditionAsync(ns, "calc", "Complete");
        Assert.Equal(3, job.Status.Succeeded);
        Assert.Null(job.Status.Active);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.Empty(await Workloads.ActivePodsAsync(Client, ns, "job-name=calc"));
        var events = await ApiIntegrationTests.Eventually(async () =>
            (await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=calc")).Items is { } e && e.Any(x => x.Reason == "Completed") ? e : null);
        Assert.Equal(3, events.Count(e => e.Reason == "SuccessfulCreate"));
    }

    [Fact]
    public async Task A_failing_job_backs_off_before_retrying_and_fails_at_its_backoff_limit()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "job-backoff");
        await Client.CreateNamespacedJobAsync(Job("flaky", backoffLimit: 1), ns);

        var first = Assert.Single(await Workloads.ActivePodsAsync(Client, ns, "job-name=flaky", 1));
        await Workloads.SetPhaseAsync(Client, first, "Failed", exitCode: 1);
        await Task.Delay(3000);
        Assert.Empty(await Workloads.ActivePodsAsync(Client, ns, "job-name=flaky"));

        var second = Assert.Single(await Workloads.ActivePodsAsync(Client, ns, "job-name=flaky", 1, seconds: 15));
        await Workloads.SetPhaseAsync(Client, second, "Failed", exitCode: 1);

        var job = await JobWithConditionAsync(ns, "flaky", "Failed");
        Assert.Equal("BackoffLimitExceeded", job.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        Assert.Equal(2, job.Status.Failed);
        await Task.Delay(500);
        Assert.Empty(await Workloads.ActivePodsAsync(Client, ns, "job-name=flaky"));
    }

    [Fact]
    public async Task A_job_past_its_active_deadline_fails_and_its_pods_are_stopped()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "job-deadline");
        var spec = Job("slow", parallelism: 1);
        spec.Spec.ActiveDeadlineSeconds = 2;
        await Client.CreateNamespacedJobAsync(spec, ns);
        await Workloads.ActivePodsAsync(Client, ns, "job-name=slow", 1);

        var job = await JobWithConditionAsync(ns, "slow", "Failed");
        Assert.Equal("DeadlineExceeded", job.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        await Workloads.ActivePodsAsync(Client, ns, "job-name=slow", 0);
    }

    [Fact]
    public async Task An_indexed_job_gives_each_pod_its_index_and_completes_when_every_index_succeeded()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "job-indexed");
        await Client.CreateNamespacedJobAsync(Job("shard", completions: 3, parallelism: 3, mode: "Indexed"), ns);

        var pods = await Workloads.ActivePodsAsync(Client, ns, "job-name=shard", 3);
        var indexes = pods.Select(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).Order().ToList();
        Assert.Equal(["0", "1", "2"], indexes);
        Assert.All(pods, p => Assert.Contains(p.Spec.Containers[0].Env, e => e.Name == "JOB_COMPLETION_INDEX"));
        Assert.All(pods, p => Assert.StartsWith($"shard-{p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]}-", p.Metadata.Name));

        await Workloads.SetPhaseAsync(Client, pods.Single(p => p.Metadata.Name.StartsWith("shard-1-")), "Succeeded");
        await ApiIntegrationTests.Eventually(async () => (await Client.ReadNamespacedJobAsync("shard", ns)).Status.CompletedIndexes == "1" ? "" : null);
        foreach (var pod in pods.Where(p => !p.Metadata.Name.StartsWith("shard-1-")))
        {
            await Workloads.SetPhaseAsync(Client, pod, "Succeeded");
        }

        var job = await JobWithConditionAsync(ns, "shard", "Complete");
        Assert.Equal("0-2", job.Status.CompletedIndexes);
    }

    [Fact]
    public async Task A_suspended_job_runs_nothing_until_resumed_and_a_finished_job_goes_after_its_ttl()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "job-suspend");
        var spec = Job("later");
        spec.Spec.Suspend = true;
        spec.Spec.TtlSecondsAfterFinished = 1;
        await Client.CreateNamespacedJobAsync(spec, ns);
        var suspended = await JobWithConditionAsync(ns, "later", "Suspended");
        Assert.Empty(await Workloads.ActivePodsAsync(Client, ns, "job-name=later"));
        await Task.Delay(1000);
        Assert.Equal(suspended.Metadata.ResourceVersion, (await Client.ReadNamespacedJobAsync("later", ns)).Metadata.ResourceVersion);

        await Client.PatchNamespacedJobAsync(new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), "later", ns);
        var pod = Assert.Single(await Workloads.ActivePodsAsync(Client, ns, "job-name=later", 1));
        await Workloads.SetPhaseAsync(Client, pod, "Succeeded");
        await JobWithConditionAsync(ns, "later", "Complete");

        await ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedJobAsync(ns)).Items.Count == 0 && (await Workloads.PodsAsync(Client, ns)).Count == 0 ? "" : null, seconds: 15);
    }
}
