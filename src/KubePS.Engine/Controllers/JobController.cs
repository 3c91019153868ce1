using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Runs Jobs to completion: up to <c>parallelism</c> pods at a time until <c>completions</c>
/// succeed (each index once in Indexed mode), a back-off of 10 s doubling to 6 min before replacing
/// failed pods, Failed at <c>backoffLimit</c> failures or after <c>activeDeadlineSeconds</c>,
/// suspension, and deletion <c>ttlSecondsAfterFinished</c> after the end.
/// </summary>
public sealed class JobController : Controller
{
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
    private const string Component = "job-controller";
    private static readonly KindInfo Kind = KindRegistry.Job;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(6);
    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly PodControl _pods;
    private readonly Informer<V1Job> _jobs;
    private readonly ChildClaimer<V1Pod> _claimer;

    public JobController(ObjectService objects, SharedInformers informers, PodControl pods, EventRecorder events, TimeProvider clock, ILogger<JobController> logger)
        : base(clock, logger, workers: 4)
    {
        _objects = objects;
        _events = events;
        _pods = pods;
        _jobs = informers.For<V1Job>(Kind);
        _claimer = new ChildClaimer<V1Pod>(Kind, objects, pods.Pods);
        _jobs.AddHandler(EnqueueItself<V1Job>());
        pods.Pods.AddHandler(EnqueueControllerOf<V1Pod>(Kind));
    }

    protected override IEnumerable<IInformer> Informers => [_jobs, _pods.Pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_jobs.Get(key) is not { } job || job.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        if (FinishedAt(job) is { } finishedAt)
        {
            return await CollectAfterTtlAsync(job, finishedAt, now, cancellationToken);
        }

        var pods = await _claimer.ClaimAsync(job.Metadata, LabelSelector.FromObject(job.Spec.Selector), cancellationToken);
        var active = pods.Where(PodState.IsActive).ToList();
        var succeeded = pods.Where(p => p.Status?.Phase == "Succeeded").ToList();
        var failed = pods.Where(p => p.Status?.Phase == "Failed").ToList();
        var status = KubeJson.Clone(job.Status ?? new V1JobStatus());
        status.StartTime ??= now;
        var indexed = job.Spec.CompletionMode == "Indexed";
        var completions = job.Spec.Completions;
        var doneIndexes = indexed ? succeeded.Select(IndexOf).OfType<int>().Where(i => i < completions).ToHashSet() : [];

        V1JobCondition? end = null;
        TimeSpan? again = null;
        if (failed.Count > (job.Spec.BackoffLimit ?? 6))
        {
            end = Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
        }
        else if (job.Spec.ActiveDeadlineSeconds is { } deadline && job.Spec.Suspend != true && now >= status.StartTime.Value.AddSeconds(deadline))
        {
            end = Condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline", now);
        }
        else if (indexed ? doneIndexes.Count >= completions : completions is { } wanted ? succeeded.Count >= wanted : succeeded.Count > 0 && active.Count == 0)
        {
            end = Condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now);
        }
        else if (job.Spec.Suspend == true)
        {
            await Task.WhenAll(active.Select(p => _pods.DeleteAsync(Kind, job.Metadata, p, cancellationToken)));
            active = [];
            status.StartTime = null;
        }
        else
        {
            (active, again) = await ManagePodsAsync(job, active, succeeded.Count, failed, doneIndexes, now, cancellationToken);
            if (job.Spec.ActiveDeadlineSeconds is { } seconds)
            {
                var left = status.StartTime.Value.AddSeconds(seconds) - now;
                again = again is { } a && a < left ? a : left;
            }
        }

        if (end is not null)
        {
            await Task.WhenAll(active.Select(p => _pods.DeleteAsync(Kind, job.Metadata, p, cancellationToken)));
            active = [];
        }

        status.Active = active.Count == 0 ? null : active.Count;
        status.Ready = active.Count(PodState.IsReady);
        status.Succeeded = succeeded.Count == 0 ? null : succeeded.Count;
        status.Failed = failed.Count == 0 ? null : failed.Count;
        status.CompletedIndexes = indexed && doneIndexes.Count > 0 ? IndexRanges(doneIndexes) : null;
        status.Conditions = Conditions(job, end, now);
        if (end is { Type: "Complete" })
        {
            status.CompletionTime = now;
        }

        await _objects.UpdateStatusAsync(_jobs, job, status, cancellationToken);
        if (end is not null)
        {
            var (type, reason, message) = end.Type == "Complete" ? ("Normal", "Completed", "Job completed") : ("Warning", end.Reason, end.Message);
            await _events.RecordAsync(ObjectReference.Of(Kind, job.Metadata), type, reason, message, Component, cancellationToken);
            return job.Spec.TtlSecondsAfterFinished is { } ttl ? TimeSpan.FromSeconds(ttl) : null;
        }

        return again;
    }

    private async Task<(List<V1Pod> Active, TimeSpan? Again)> ManagePodsAsync(
        V1Job job, List<V1Pod> active, int succeeded, List<V1Pod> failed, HashSet<int> doneIndexes, DateTime now, CancellationToken cancellationToken)
    {
        var parallelism = job.Spec.Parallelism ?? 1;
        var remaining = job.Spec.Completions is { } completions ? completions - (job.Spec.CompletionMode == "Indexed" ? doneIndexes.Count : succeeded) : parallelism;
        var wanted = Math.Min(parallelism, Math.Max(0, remaining));
        if (active.Count > wanted)
        {
            var extra = active.OrderBy(PodState.DeletionRank).Take(active.Count - wanted).ToList();
            await Task.WhenAll(extra.Select(p => _pods.DeleteAsync(Kind, job.Metadata, p, cancellationToken)));
            return (active.Except(extra).ToList(), null);
        }

        if (active.Count == wanted)
        {
            return (active, null);
        }

        // After a failure, the replacement waits: 10 s, doubling per failure, at most 6 min.
        if (failed.Count > 0)
        {
            var lastFailure = failed.Max(FailedAt);
            var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failed.Count - 1, 10)));
            if (now < lastFailure + backoff)
            {
                return (active, lastFailure + backoff - now);
            }
        }

        var indexes = NextIndexes(job, active, doneIndexes, wanted - active.Count);
        var created = new List<V1Pod>();
        await PodControl.SlowStartAsync(indexes.Count, async i =>
        {
            var pod = await _pods.CreateAsync(Kind, job.Metadata, job.Spec.Template, p => Index(job, p, indexes[i]), cancellationToken);
            lock (created)
            {
                created.Add(pod);
            }
        });
        return ([.. active, .. created], null);
    }

    // Indexed Jobs run the lowest indexes neither done nor running; others have no index.
    private static List<int?> NextIndexes(V1Job job, List<V1Pod> active, HashSet<int> done, int count)
    {
        if (job.Spec.CompletionMode != "Indexed")
        {
            return Enumerable.Repeat<int?>(null, count).ToList();
        }

        var running = active.Select(IndexOf).OfType<int>().ToHashSet();
        return Enumerable.Range(0, job.Spec.Completions ?? 0).Where(i => !done.Contains(i) && !running.Contains(i)).Take(count).Select(i => (int?)i).ToList();
    }

    private static void Index(V1Job job, V1Pod pod, int? index)
    {
        if (index is not { } i)
        {
            return;
        }

        var text = i.ToString();
        pod.Metadata.GenerateName = $"{job.Metadata.Name}-{text}-";
        pod.Metadata.Annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>()) { [CompletionIndexAnnotation] = text };
        pod.Metadata.Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>()) { [CompletionIndexAnnotation] = text };
        pod.Spec.Hostname ??= $"{job.Metadata.Name}-{text}";
        foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
        {
            container.Env = (container.Env ?? []).Where(e => e.Name != "JOB_COMPLETION_INDEX").Append(new V1EnvVar
            {
                Name = "JOB_COMPLETION_INDEX",
                ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = $"metadata.annotations['{CompletionIndexAnnotation}']" } },
            }).ToList();
        }
    }

    private static int? IndexOf(V1Pod pod) =>
        pod.Metadata.Annotations is { } a && a.TryGetValue(CompletionIndexAnnotation, out var text) && int.TryParse(text, out var index) ? index : null;

    /// <summary>Kubernetes' compact form of a set of indexes: "0-2,5".</summary>
    public static string IndexRanges(IEnumerable<int> indexes)
    {
        var ranges = new List<string>();
        foreach (var group in indexes.Order().Select((index, position) => (index, position)).GroupBy(x => x.index - x.position))
        {
            var (first, last) = (group.First().index, group.Last().index);
            ranges.Add(first == last ? $"{first}" : $"{first}-{last}");
        }

        return string.Join(',', ranges);
    }

    private static DateTime FailedAt(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.Select(s => s.State?.Terminated?.FinishedAt).Max()
        ?? pod.Status?.Conditions?.Select(c => c.LastTransitionTime).Max()
        ?? pod.Metadata.CreationTimestamp ?? DateTime.MinValue;

    private static DateTime? FinishedAt(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True") is { } end
            ? job.Status.CompletionTime ?? end.LastTransitionTime ?? DateTime.MinValue
            : null;

    private static V1JobCondition Condition(string type, string? reason, string? message, DateTime now) =>
        new() { Type = type, Status = "True", Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now };

    private static List<V1JobCondition>? Conditions(V1Job job, V1JobCondition? end, DateTime now)
    {
        var suspended = job.Status?.Conditions?.FirstOrDefault(c => c is { Type: "Suspended", Status: "True" });
        var conditions = (job.Status?.Conditions ?? []).Where(c => c.Type != "Suspended").ToList();
        if (job.Spec.Suspend == true && end is null)
        {
            conditions.Add(suspended ?? new V1JobCondition { Type = "Suspended", Status = "True", Reason = "JobSuspended", Message = "Job suspended", LastTransitionTime = now });
        }

        if (end is not null)
        {
            conditions.Add(end);
        }

        return conditions.Count == 0 ? null : conditions;
    }

    // A finished Job with ttlSecondsAfterFinished is deleted, with its pods, once that time has passed.
    private async Task<TimeSpan?> CollectAfterTtlAsync(V1Job job, DateTime finishedAt, DateTime now, CancellationToken cancellationToken)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl)
        {
            return null;
        }

        var expiry = finishedAt.AddSeconds(ttl);
        if (now < expiry)
        {
            return expiry - now;
        }

        await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(
            Kind, job.Metadata.NamespaceProperty, job.Metadata.Name, new V1DeleteOptions { PropagationPolicy = "Foreground" }, dryRun: false, cancellationToken));
        return null;
    }
}
