using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Schedules;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Starts a CronJob's Jobs on its schedule (in its <c>timeZone</c>, UTC by default): a missed time
/// is made up once if it is within <c>startingDeadlineSeconds</c>; <c>concurrencyPolicy</c> Allow,
/// Forbid or Replace decides what happens while a Job still runs; <c>suspend</c> stops new Jobs;
/// finished Jobs beyond the history limits are deleted.
/// </summary>
public sealed class CronJobController : Controller
{
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    private const string Component = "cronjob-controller";
    private static readonly TimeSpan MaxLookBack = TimeSpan.FromDays(7);
    private static readonly KindInfo Kind = KindRegistry.CronJob;
    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly Informer<V1CronJob> _cronJobs;
    private readonly Informer<V1Job> _jobs;

    public CronJobController(ObjectService objects, SharedInformers informers, EventRecorder events, TimeProvider clock, ILogger<CronJobController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _events = events;
        _cronJobs = informers.For<V1CronJob>(Kind);
        _jobs = informers.For<V1Job>(KindRegistry.Job);
        _cronJobs.AddHandler(EnqueueItself<V1CronJob>());
        _jobs.AddHandler(EnqueueControllerOf<V1Job>(Kind));
    }

    protected override IEnumerable<IInformer> Informers => [_cronJobs, _jobs];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_cronJobs.Get(key) is not { } cj || cj.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var jobs = _jobs.ControlledBy(cj.Metadata.Uid);
        var active = jobs.Where(j => Finished(j) is null && j.Metadata.DeletionTimestamp is null).ToList();
        await PruneHistoryAsync(cj, jobs, cancellationToken);

        var now = Clock.GetUtcNow().UtcDateTime;
        var zone = cj.Spec.TimeZone is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Utc;
        var schedule = CronSchedule.Parse(cj.Spec.Schedule);
        var lastScheduled = cj.Status?.LastScheduleTime;
        if (cj.Spec.Suspend != true && MostRecentTime(cj, schedule, zone, now) is { } due)
        {
            if (cj.Spec.StartingDeadlineSeconds is { } deadline && due < now.AddSeconds(-deadline))
            {
                await _events.RecordAsync(ObjectReference.Of(Kind, cj.Metadata), "Warning", "MissSchedule",
                    $"Missed scheduled time to start a job: {due:yyyy-MM-ddTHH:mm:ssZ}", Component, cancellationToken);
                lastScheduled = due;
            }
            else if (cj.Spec.ConcurrencyPolicy == "Forbid" && active.Count > 0)
            {
                // Not started and not marked done: it starts once the running Job ends, if still within its deadline.
            }
            else
            {
                if (cj.Spec.ConcurrencyPolicy == "Replace")
                {
                    foreach (var job in active)
                    {
                        await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(KindRegistry.Job, job.Metadata.NamespaceProperty, job.Metadata.Name,
                            new V1DeleteOptions { PropagationPolicy = "Background" }, dryRun: false, cancellationToken));
                        await _events.RecordAsync(ObjectReference.Of(Kind, cj.Metadata), "Normal", "SuccessfulDelete", $"Deleted job {job.Metadata.Name}", Component, cancellationToken);
                    }

                    active = [];
                }

                if (await StartJobAsync(cj, due, cancellationToken) is { } started)
                {
                    active.Add(started);
                }

                lastScheduled = due;
            }
        }

        await UpdateStatusAsync(cj, jobs, active, lastScheduled, cancellationToken);
        if (cj.Spec.Suspend == true)
        {
            return null;
        }

        var next = ToUtc(schedule.Next(TimeZoneInfo.ConvertTimeFromUtc(now, zone)), zone);
        return next - now;
    }

    // The latest scheduled time not yet started, after the last one started (or the creation). Only
    // the latest of several missed times runs, as in Kubernetes; looking back is bounded so a long
    // outage costs a bounded walk.
    private static DateTime? MostRecentTime(V1CronJob cj, CronSchedule schedule, TimeZoneInfo zone, DateTime now)
    {
        var from = cj.Status?.LastScheduleTime ?? cj.Metadata.CreationTimestamp ?? now;
        if (from < now - MaxLookBack)
        {
            from = now - MaxLookBack;
        }

        DateTime? latest = null;
        for (var local = schedule.Next(TimeZoneInfo.ConvertTimeFromUtc(from, zone)); ToUtc(local, zone) <= now; local = schedule.Next(local))
        {
            latest = ToUtc(local, zone);
        }

        return latest;
    }

    private static DateTime ToUtc(DateTime wallClock, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);

        // A time skipped by a daylight-saving change happens an hour later, as cron runs it.
        return zone.IsInvalidTime(unspecified) ? TimeZoneInfo.ConvertTimeToUtc(unspecified.AddHours(1), zone) : TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    private async Task<V1Job?> StartJobAsync(V1CronJob cj, DateTime scheduled, CancellationToken cancellationToken)
    {
        var template = KubeJson.Clone(cj.Spec.JobTemplate);
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = $"{cj.Metadata.Name}-{new DateTimeOffset(scheduled).ToUnixTimeSeconds() / 60}",
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels,
                Annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>())
                {
                    [ScheduledTimestampAnnotation] = scheduled.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                },
                OwnerReferences = [Ownership.ControllerReference(Kind, cj.Metadata)],
            },
            Spec = template.Spec,
        };
        var about = ObjectReference.Of(Kind, cj.Metadata);
        try
        {
            var created = await _objects.CreateAsync(_jobs, job, cancellationToken);
            await _events.RecordAsync(about, "Normal", "SuccessfulCreate", $"Created job {created.Metadata.Name}", Component, cancellationToken);
            return created;
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // Started before a restart of the engine lost the status write that recorded it.
            return null;
        }
        catch (ApiException e)
        {
            await _events.RecordAsync(about, "Warning", "FailedCreate", $"Error creating job: {e.Message}", Component, cancellationToken);
            throw;
        }
    }

    private async Task PruneHistoryAsync(V1CronJob cj, List<V1Job> jobs, CancellationToken cancellationToken)
    {
        var finished = jobs.Where(j => Finished(j) is not null && j.Metadata.DeletionTimestamp is null).ToList();
        var excess = finished.Where(j => Finished(j) == "Complete").OrderByDescending(StartedAt).Skip(cj.Spec.SuccessfulJobsHistoryLimit ?? 3)
            .Concat(finished.Where(j => Finished(j) == "Failed").OrderByDescending(StartedAt).Skip(cj.Spec.FailedJobsHistoryLimit ?? 1));
        foreach (var job in excess)
        {
            await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(KindRegistry.Job, job.Metadata.NamespaceProperty, job.Metadata.Name,
                new V1DeleteOptions { PropagationPolicy = "Background" }, dryRun: false, cancellationToken));
        }
    }

    private async Task UpdateStatusAsync(V1CronJob cj, List<V1Job> jobs, List<V1Job> active, DateTime? lastScheduled, CancellationToken cancellationToken)
    {
        var status = new V1CronJobStatus
        {
            Active = active.Count == 0 ? null : active.OrderBy(StartedAt).Select(j => new V1ObjectReference
            {
                ApiVersion = "batch/v1", Kind = "Job", Name = j.Metadata.Name, NamespaceProperty = j.Metadata.NamespaceProperty, Uid = j.Metadata.Uid,
                ResourceVersion = j.Metadata.ResourceVersion,
            }).ToList(),
            LastScheduleTime = lastScheduled,
            LastSuccessfulTime = jobs.Where(j => Finished(j) == "Complete").Select(j => j.Status?.CompletionTime).Max() ?? cj.Status?.LastSuccessfulTime,
        };
        await _objects.UpdateStatusAsync(_cronJobs, cj, status, cancellationToken);
    }

    private static string? Finished(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True")?.Type;

    private static DateTime StartedAt(V1Job job) => job.Status?.StartTime ?? job.Metadata.CreationTimestamp ?? DateTime.MinValue;
}
