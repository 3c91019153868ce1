using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The CronJob controller on a real engine whose clock the tests move forward.</summary>
public sealed class CronJobControllerTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1CronJob CronJob(string name, string schedule, string policy = "Allow") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CronJobSpec
        {
            Schedule = schedule,
            ConcurrencyPolicy = policy,
            JobTemplate = new V1JobTemplateSpec
            {
                Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = Workloads.Template(name).Spec.Containers } } },
            },
        },
    };

    private static DateTime NextMinute(DateTime t) => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);

    /// <summary>Moves the engine's clock just past the next minute and nudges the CronJob, whose own timer still runs on real time.</summary>
    private async Task<DateTime> NextMinuteAsync(string ns, string name)
    {
        var minute = engine.Clock.AdvanceTo(NextMinute, TimeSpan.FromSeconds(2));
        await Client.PatchNamespacedCronJobAsync(
            new V1Patch("""{"metadata":{"annotations":{"test/nudge":"TICKS"}}}""".Replace("TICKS", minute.Ticks.ToString()), V1Patch.PatchType.MergePatch), name, ns);
        return minute;
    }

    private async Task<List<V1Job>> JobsAsync(string ns) => (await Client.ListNamespacedJobAsync(ns)).Items.Where(j => j.Metadata.DeletionTimestamp is null).ToList();

    private async Task CompleteAsync(string ns, V1Job job)
    {
        var pod = Assert.Single(await Workloads.ActivePodsAsync(Client, ns, $"job-name={job.Metadata.Name}", 1));
        await Workloads.SetPhaseAsync(Client, pod, "Succeeded");
        await ApiIntegrationTests.Eventually(async () =>
            (await Client.ReadNamespacedJobAsync(job.Metadata.Name, ns)).Status?.Conditions?.Any(c => c.Type == "Complete") == true ? "" : null);
    }

    [Fact]
    public async Task Allow_starts_a_job_at_every_scheduled_minute_named_by_its_time()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-allow");

        // Created well inside a minute, so no scheduled time comes before the test moves the clock.
        engine.Clock.AdvanceTo(NextMinute, TimeSpan.FromSeconds(5));
        await Client.CreateNamespacedCronJobAsync(CronJob("tick", "* * * * *"), ns);
        await Task.Delay(500);
        Assert.Empty(await JobsAsync(ns));

        var first = await NextMinuteAsync(ns, "tick");
        var job = Assert.Single(await ApiIntegrationTests.Eventually(async () => await JobsAsync(ns) is { Count: 1 } j ? j : null));
        Assert.Equal($"tick-{new DateTimeOffset(first).ToUnixTimeSeconds() / 60}", job.Metadata.Name);
        Assert.Equal(first.ToString("yyyy-MM-ddTHH:mm:ssZ"), job.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);

        await NextMinuteAsync(ns, "tick");
        await ApiIntegrationTests.Eventually(async () => await JobsAsync(ns) is { Count: 2 } j ? j : null);
        var cj = await ApiIntegrationTests.Eventually(async () => await Client.ReadNamespacedCronJobAsync("tick", ns) is { Status.Active.Count: 2 } c ? c : null);
        Assert.NotNull(cj.Status.LastScheduleTime);
    }

    [Fact]
    public async Task Forbid_waits_for_the_running_job_and_Replace_replaces_it()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-policy");
        await Client.CreateNamespacedCronJobAsync(CronJob("solo", "* * * * *", "Forbid"), ns);
        await Client.CreateNamespacedCronJobAsync(CronJob("fresh", "* * * * *", "Replace"), ns);
        await NextMinuteAsync(ns, "solo");
        await NextMinuteAsync(ns, "fresh");
        var first = await ApiIntegrationTests.Eventually(async () => await JobsAsync(ns) is { Count: 2 } j ? j : null);

        await NextMinuteAsync(ns, "solo");
        await NextMinuteAsync(ns, "fresh");
        await Task.Delay(1000);
        var jobs = await JobsAsync(ns);
        Assert.Single(jobs, j => j.Metadata.Name.StartsWith("solo-"));
        var fresh = Assert.Single(jobs, j => j.Metadata.Name.StartsWith("fresh-"));
        Assert.DoesNotContain(first, j => j.Metadata.Name == fresh.Metadata.Name);

        await CompleteAsync(ns, first.Single(j => j.Metadata.Name.StartsWith("solo-")));
        await ApiIntegrationTests.Eventually(async () => (await JobsAsync(ns)).Count(j => j.Metadata.Name.StartsWith("solo-")) == 2 ? "" : null);
    }

    [Fact]
    public async Task A_suspended_cron_job_starts_nothing_and_finished_jobs_beyond_the_history_limit_go()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-history");
        var spec = CronJob("keep", "* * * * *");
        spec.Spec.SuccessfulJobsHistoryLimit = 1;
        await Client.CreateNamespacedCronJobAsync(spec, ns);
        for (var run = 1; run <= 2; run++)
        {
            await NextMinuteAsync(ns, "keep");
            var job = await ApiIntegrationTests.Eventually(async () => (await JobsAsync(ns)).FirstOrDefault(j => j.Status?.Conditions is null));
            await CompleteAsync(ns, job);
        }

        await ApiIntegrationTests.Eventually(async () => await JobsAsync(ns) is { Count: 1 } j ? j : null);

        await Client.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "keep", ns);
        await NextMinuteAsync(ns, "keep");
        await Task.Delay(1000);
        Assert.Single(await JobsAsync(ns));
    }

    [Fact]
    public async Task A_time_missed_by_more_than_the_starting_deadline_is_skipped_with_an_event()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-deadline");
        var spec = CronJob("late", "0 * * * *");
        spec.Spec.StartingDeadlineSeconds = 10;
        await Client.CreateNamespacedCronJobAsync(spec, ns);

        engine.Clock.AdvanceTo(t => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1), TimeSpan.FromSeconds(30));
        await Client.PatchNamespacedCronJobAsync(new V1Patch("""{"metadata":{"labels":{"nudged":"yes"}}}""", V1Patch.PatchType.MergePatch), "late", ns);

        await ApiIntegrationTests.Eventually(async () =>
            (await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=late")).Items.Any(e => e.Reason == "MissSchedule") ? "" : null);
        Assert.Empty(await JobsAsync(ns));
    }

    [Fact]
    public async Task A_schedule_runs_in_its_time_zone()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-zone");
        var spec = CronJob("tokyo", "0 9 * * *");
        spec.Spec.TimeZone = "Asia/Tokyo";
        await Client.CreateNamespacedCronJobAsync(spec, ns);

        // 09:00 in Tokyo is midnight UTC.
        var midnight = engine.Clock.AdvanceTo(t => t.Date.AddDays(1), TimeSpan.FromSeconds(5));
        await Client.PatchNamespacedCronJobAsync(new V1Patch("""{"metadata":{"labels":{"nudged":"yes"}}}""", V1Patch.PatchType.MergePatch), "tokyo", ns);

        var job = Assert.Single(await ApiIntegrationTests.Eventually(async () => await JobsAsync(ns) is { Count: 1 } j ? j : null));
        Assert.Equal(midnight.ToString("yyyy-MM-ddTHH:mm:ssZ"), job.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
    }

    [Fact]
    public async Task An_unparseable_schedule_is_refused_with_its_field()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "cron-invalid");
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => Client.CreateNamespacedCronJobAsync(CronJob("bad", "61 * * * *"), ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("spec.schedule", e.Response.Content);
    }
}
