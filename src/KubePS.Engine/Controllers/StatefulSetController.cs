using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Runs StatefulSets: pods with stable names <c>&lt;name&gt;-0..N-1</c>, each with its own
/// PersistentVolumeClaims from <c>volumeClaimTemplates</c> that outlive it; OrderedReady creates
/// them one by one in order and removes them in reverse, Parallel all at once; a template change
/// rolls through the pods from the highest ordinal down to <c>partition</c>, or waits for the user
/// to delete them (OnDelete). Each template is kept as a ControllerRevision.
/// </summary>
public sealed class StatefulSetController : Controller
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    private static readonly KindInfo Kind = KindRegistry.StatefulSet;
    private readonly ObjectService _objects;
    private readonly PodControl _pods;
    private readonly Informer<V1StatefulSet> _sets;
    private readonly Informer<V1PersistentVolumeClaim> _claims;
    private readonly ControllerHistory _history;
    private readonly ChildClaimer<V1Pod> _podClaimer;

    public StatefulSetController(ObjectService objects, SharedInformers informers, PodControl pods, TimeProvider clock, ILogger<StatefulSetController> logger)
        : base(clock, logger, workers: 4)
    {
        _objects = objects;
        _pods = pods;
        _sets = informers.For<V1StatefulSet>(Kind);
        _claims = informers.For<V1PersistentVolumeClaim>(KindRegistry.PersistentVolumeClaim);
        _history = new ControllerHistory(Kind, objects, informers);
        _podClaimer = new ChildClaimer<V1Pod>(Kind, objects, pods.Pods);
        _sets.AddHandler(EnqueueItself<V1StatefulSet>());
        pods.Pods.AddHandler(EnqueueControllerOf<V1Pod>(Kind));
    }

    protected override IEnumerable<IInformer> Informers => [_sets, _pods.Pods, _claims, _history.Informer];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_sets.Get(key) is not { } set || set.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var pods = await _podClaimer.ClaimAsync(set.Metadata, LabelSelector.FromObject(set.Spec.Selector), cancellationToken);
        var update = await _history.EnsureAsync(set.Metadata, set.Spec.Selector, set.Spec.Template, set.Status?.CollisionCount, cancellationToken);
        var current = set.Status?.CurrentRevision is { Length: > 0 } name && _history.Find(set.Metadata, name) is { } kept ? kept : update;
        var replicas = set.Spec.Replicas ?? 1;
        var byOrdinal = pods.Select(p => (Ordinal: OrdinalOf(set, p), Pod: p)).Where(x => x.Ordinal >= 0).ToDictionary(x => x.Ordinal, x => x.Pod);
        var ordered = set.Spec.PodManagementPolicy != "Parallel";
        var now = Clock.GetUtcNow().UtcDateTime;

        var settled = await CreateAndReplaceAsync(set, byOrdinal, replicas, current, update, ordered, now, cancellationToken);
        settled = settled && await ScaleDownAsync(set, byOrdinal, replicas, ordered, cancellationToken);
        if (settled && set.Spec.UpdateStrategy?.Type != "OnDelete")
        {
            await RollAsync(set, byOrdinal, replicas, update, cancellationToken);
        }

        var live = _pods.Pods.ControlledBy(set.Metadata.Uid);
        await UpdateStatusAsync(set, live, replicas, current, update, now, cancellationToken);
        await _history.PruneAsync(set.Metadata, live.Select(ControllerHistory.RevisionOf).Append(current.Metadata.Name).Append(update.Metadata.Name),
            set.Spec.RevisionHistoryLimit ?? 10, cancellationToken);
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var nextAvailable = live.Select(p => PodState.AvailableAt(p, minReady)).Where(t => t > now).Min();
        return nextAvailable - now;
    }

    // Returns whether every wanted pod exists and (for OrderedReady) is running and ready.
    private async Task<bool> CreateAndReplaceAsync(
        V1StatefulSet set, Dictionary<int, V1Pod> byOrdinal, int replicas, V1ControllerRevision current, V1ControllerRevision update,
        bool ordered, DateTime now, CancellationToken cancellationToken)
    {
        var partition = set.Spec.UpdateStrategy?.Type == "RollingUpdate" ? set.Spec.UpdateStrategy.RollingUpdate?.Partition ?? 0 : 0;
        var settled = true;
        var creations = new List<Task>();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                var revision = current.Metadata.Name != update.Metadata.Name && ordinal < partition ? current : update;
                creations.Add(CreatePodAsync(set, ordinal, revision, cancellationToken));
                settled = false;
                if (ordered)
                {
                    break;
                }

                continue;
            }

            if (pod.Status?.Phase is "Failed" or "Succeeded" && pod.Metadata.DeletionTimestamp is null)
            {
                await _pods.DeleteAsync(Kind, set.Metadata, pod, cancellationToken);
                settled = false;
                if (ordered)
                {
                    break;
                }

                continue;
            }

            if (pod.Metadata.DeletionTimestamp is not null || !PodState.IsAvailable(pod, set.Spec.MinReadySeconds ?? 0, now) || pod.Status?.Phase != "Running")
            {
                settled = false;
                if (ordered)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(creations);
        return settled;
    }

    private async Task<bool> ScaleDownAsync(V1StatefulSet set, Dictionary<int, V1Pod> byOrdinal, int replicas, bool ordered, CancellationToken cancellationToken)
    {
        var condemned = byOrdinal.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key).Select(p => p.Value).ToList();
        if (condemned.Count == 0)
        {
            return true;
        }

        foreach (var pod in condemned)
        {
            if (pod.Metadata.DeletionTimestamp is null)
            {
                await _pods.DeleteAsync(Kind, set.Metadata, pod, cancellationToken);
            }

            if (ordered)
            {
                break;
            }
        }

        return false;
    }

    // One pod at a time, from the highest ordinal down to the partition, each replaced by the update revision.
    private async Task RollAsync(V1StatefulSet set, Dictionary<int, V1Pod> byOrdinal, int replicas, V1ControllerRevision update, CancellationToken cancellationToken)
    {
        var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
        for (var ordinal = replicas - 1; ordinal >= partition; ordinal--)
        {
            if (byOrdinal.TryGetValue(ordinal, out var pod) && ControllerHistory.RevisionOf(pod) != update.Metadata.Name)
            {
                await _pods.DeleteAsync(Kind, set.Metadata, pod, cancellationToken);
                return;
            }
        }
    }

    private async Task CreatePodAsync(V1StatefulSet set, int ordinal, V1ControllerRevision revision, CancellationToken cancellationToken)
    {
        var name = $"{set.Metadata.Name}-{ordinal}";
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            await EnsureClaimAsync(set, template, ordinal, cancellationToken);
        }

        await _pods.CreateAsync(Kind, set.Metadata, ControllerHistory.TemplateOf(revision), pod =>
        {
            pod.Metadata.Name = name;
            pod.Metadata.GenerateName = null;
            pod.Metadata.Labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>())
            {
                [ControllerHistory.RevisionLabel] = revision.Metadata.Name,
                [PodNameLabel] = name,
                [PodIndexLabel] = ordinal.ToString(),
            };
            pod.Spec.Hostname = name;
            pod.Spec.Subdomain = set.Spec.ServiceName;
            var claims = (set.Spec.VolumeClaimTemplates ?? []).Select(t => t.Metadata.Name).ToHashSet();
            pod.Spec.Volumes = (pod.Spec.Volumes ?? []).Where(v => !claims.Contains(v.Name))
                .Concat(claims.Select(c => new V1Volume
                {
                    Name = c,
                    PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(c, set, ordinal) },
                }))
                .ToList();
        }, cancellationToken);
    }

    public static string ClaimName(string template, V1StatefulSet set, int ordinal) => $"{template}-{set.Metadata.Name}-{ordinal}";

    // Claims are not owned by the set: they keep the pod's data across rescheduling, scaling and the set's deletion.
    private async Task EnsureClaimAsync(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal, CancellationToken cancellationToken)
    {
        var name = ClaimName(template.Metadata.Name, set, ordinal);
        if (_claims.Get(set.Metadata.NamespaceProperty, name) is not null)
        {
            return;
        }

        var claim = KubeJson.Clone(template);
        claim.ApiVersion = "v1";
        claim.Kind = "PersistentVolumeClaim";
        claim.Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = set.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>((IDictionary<string, string>?)template.Metadata.Labels ?? set.Spec.Selector.MatchLabels ?? new Dictionary<string, string>()),
            Annotations = template.Metadata.Annotations,
        };
        claim.Status = null;
        try
        {
            await _objects.CreateAsync(_claims, claim, cancellationToken);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
        }
    }

    private async Task UpdateStatusAsync(
        V1StatefulSet set, List<V1Pod> pods, int replicas, V1ControllerRevision current, V1ControllerRevision update, DateTime now, CancellationToken cancellationToken)
    {
        var active = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var updated = active.Count(p => ControllerHistory.RevisionOf(p) == update.Metadata.Name);
        var ready = active.Count(PodState.IsReady);
        var rolledOut = updated == replicas && ready == replicas && active.Count == replicas;
        var status = new V1StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            Replicas = active.Count,
            ReadyReplicas = ready,
            AvailableReplicas = active.Count(p => PodState.IsAvailable(p, set.Spec.MinReadySeconds ?? 0, now)),
            CurrentReplicas = rolledOut ? updated : active.Count(p => ControllerHistory.RevisionOf(p) == current.Metadata.Name),
            UpdatedReplicas = updated,
            CurrentRevision = rolledOut ? update.Metadata.Name : current.Metadata.Name,
            UpdateRevision = update.Metadata.Name,
            CollisionCount = set.Status?.CollisionCount ?? 0,
        };
        await _objects.UpdateStatusAsync(_sets, set, status, cancellationToken);
    }

    private static int OrdinalOf(V1StatefulSet set, V1Pod pod)
    {
        var prefix = set.Metadata.Name + "-";
        return pod.Metadata.Name.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(pod.Metadata.Name[prefix.Length..], out var ordinal) && ordinal >= 0 ? ordinal : -1;
    }
}
