using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Rolls Deployments out through ReplicaSets: one per pod template, named by its
/// <see cref="PodTemplateHash"/>; RollingUpdate within maxSurge and maxUnavailable, or Recreate;
/// revision annotations, history pruned to revisionHistoryLimit; nothing rolls while paused; the
/// Progressing and Available conditions and the counts <c>kubectl rollout status</c> reads.
/// </summary>
public sealed class DeploymentController : Controller
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string Component = "deployment-controller";
    private static readonly KindInfo Kind = KindRegistry.Deployment;
    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly Informer<V1Deployment> _deployments;
    private readonly Informer<V1ReplicaSet> _replicaSets;
    private readonly Informer<V1Pod> _pods;
    private readonly ChildClaimer<V1ReplicaSet> _claimer;

    public DeploymentController(ObjectService objects, SharedInformers informers, EventRecorder events, TimeProvider clock, ILogger<DeploymentController> logger)
        : base(clock, logger, workers: 4)
    {
        _objects = objects;
        _events = events;
        _deployments = informers.For<V1Deployment>(Kind);
        _replicaSets = informers.For<V1ReplicaSet>(KindRegistry.ReplicaSet);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _claimer = new ChildClaimer<V1ReplicaSet>(Kind, objects, _replicaSets);
        _deployments.AddHandler(EnqueueItself<V1Deployment>());
        _replicaSets.AddHandler(EnqueueControllerOrAdopters<V1ReplicaSet, V1Deployment>(Kind, _deployments, d => d.Spec.Selector));
        _pods.AddHandler(OnPodChanged);
    }

    protected override IEnumerable<IInformer> Informers => [_deployments, _replicaSets, _pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_deployments.Get(key) is not { } d)
        {
            return null;
        }

        var selector = LabelSelector.FromObject(d.Spec.Selector);
        var sets = await _claimer.ClaimAsync(d.Metadata, selector, cancellationToken);
        if (d.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var newSet = sets.FirstOrDefault(rs => PodTemplateHash.Equivalent(rs.Spec.Template, d.Spec.Template));
        var old = sets.Where(rs => rs != newSet).ToList();
        var created = false;
        if (d.Spec.Paused != true)
        {
            (newSet, created) = await EnsureNewReplicaSetAsync(d, newSet, old, cancellationToken);
            d = await SetRevisionAsync(d, newSet, cancellationToken);
            if (d.Spec.Strategy?.Type == "Recreate")
            {
                await RecreateAsync(d, newSet, old, cancellationToken);
            }
            else
            {
                await RollAsync(d, newSet, old, cancellationToken);
            }
        }
        else if (old.Count == 0 && newSet is not null)
        {
            // Paused: no rollout, but scaling still applies to a Deployment with nothing to roll.
            await ScaleAsync(d, newSet, d.Spec.Replicas ?? 1, cancellationToken);
        }

        var all = sets.Select(s => _replicaSets.Get(Informer<V1ReplicaSet>.KeyOf(s.Metadata)) ?? s).ToList();
        newSet = newSet is null ? null : _replicaSets.Get(Informer<V1ReplicaSet>.KeyOf(newSet.Metadata)) ?? newSet;
        if (IsComplete(d, newSet, all))
        {
            await PruneHistoryAsync(d, all.Where(s => s != newSet).ToList(), cancellationToken);
        }

        return await UpdateStatusAsync(d, newSet, all, created, cancellationToken);
    }

    private async Task<(V1ReplicaSet Set, bool Created)> EnsureNewReplicaSetAsync(
        V1Deployment d, V1ReplicaSet? existing, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        var revision = (old.Select(Revision).DefaultIfEmpty(0).Max() + 1).ToString();
        if (existing is not null)
        {
            if (Revision(existing) >= long.Parse(revision))
            {
                return (existing, false);
            }

            // A template rolled back to: its ReplicaSet becomes the newest revision again.
            var bumped = Informer<V1ReplicaSet>.Copy(existing);
            bumped.Metadata.Annotations ??= new Dictionary<string, string>();
            bumped.Metadata.Annotations[RevisionAnnotation] = revision;
            return (await _objects.UpdateAsync(_replicaSets, bumped, cancellationToken), false);
        }

        var hash = PodTemplateHash.Compute(d.Spec.Template, d.Status?.CollisionCount);
        var template = KubeJson.Clone(d.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var selector = KubeJson.Clone(d.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [PodTemplateHash.Label] = hash };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{d.Metadata.Name}-{hash}",
                NamespaceProperty = d.Metadata.NamespaceProperty,
                Labels = template.Metadata.Labels,
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision },
                OwnerReferences = [Ownership.ControllerReference(Kind, d.Metadata)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, MinReadySeconds = d.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        try
        {
            var created = await _objects.CreateAsync(_replicaSets, rs, cancellationToken);
            await _events.RecordAsync(ObjectReference.Of(Kind, d.Metadata), "Normal", "ScalingReplicaSet", $"Created new replica set \"{rs.Metadata.Name}\"", Component, cancellationToken);
            return (created, true);
        }
        catch (ApiException e) when (e.Code == 409 && e.Reason == "AlreadyExists")
        {
            // Another template hashed to this name: count the collision, so the next try hashes differently.
            var status = KubeJson.Clone(d.Status ?? new V1DeploymentStatus());
            status.CollisionCount = (status.CollisionCount ?? 0) + 1;
            await _objects.UpdateStatusAsync(_deployments, d, status, cancellationToken);
            throw;
        }
    }

    private async Task<V1Deployment> SetRevisionAsync(V1Deployment d, V1ReplicaSet newSet, CancellationToken cancellationToken)
    {
        var revision = newSet.GetAnnotation(RevisionAnnotation);
        if (revision is null || d.GetAnnotation(RevisionAnnotation) == revision)
        {
            return d;
        }

        var copy = Informer<V1Deployment>.Copy(d);
        copy.Metadata.Annotations ??= new Dictionary<string, string>();
        copy.Metadata.Annotations[RevisionAnnotation] = revision;
        return await _objects.UpdateAsync(_deployments, copy, cancellationToken);
    }

    private async Task RollAsync(V1Deployment d, V1ReplicaSet newSet, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        var replicas = d.Spec.Replicas ?? 1;
        var rolling = d.Spec.Strategy?.RollingUpdate;
        var (surge, unavailable) = RolloutArithmetic.Limits(rolling?.MaxSurge, rolling?.MaxUnavailable, replicas);
        var all = old.Sum(SpecReplicas) + SpecReplicas(newSet);
        var newSize = RolloutArithmetic.NewReplicaSetSize(replicas, surge, SpecReplicas(newSet), all);
        if (newSize != SpecReplicas(newSet))
        {
            newSet = await ScaleAsync(d, newSet, newSize, cancellationToken);
        }

        var sizes = RolloutArithmetic.OldReplicaSetSizes(replicas, unavailable, Counts(newSet), old.Select(Counts).ToList());
        foreach (var set in old.Where(s => sizes[s.Metadata.Name] != SpecReplicas(s)))
        {
            await ScaleAsync(d, set, sizes[set.Metadata.Name], cancellationToken);
        }
    }

    // Recreate: every old pod is gone before the first new one starts.
    private async Task RecreateAsync(V1Deployment d, V1ReplicaSet newSet, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        foreach (var set in old.Where(s => SpecReplicas(s) != 0))
        {
            await ScaleAsync(d, set, 0, cancellationToken);
        }

        var oldPodsRemain = old.SelectMany(s => _pods.ControlledBy(s.Metadata.Uid)).Any(p => p.Status?.Phase is not ("Succeeded" or "Failed"));
        if (!oldPodsRemain && SpecReplicas(newSet) != (d.Spec.Replicas ?? 1))
        {
            await ScaleAsync(d, newSet, d.Spec.Replicas ?? 1, cancellationToken);
        }
    }

    private async Task<V1ReplicaSet> ScaleAsync(V1Deployment d, V1ReplicaSet set, int size, CancellationToken cancellationToken)
    {
        var from = SpecReplicas(set);
        if (from == size)
        {
            return set;
        }

        var copy = Informer<V1ReplicaSet>.Copy(set);
        copy.Spec.Replicas = size;
        var written = await _objects.UpdateAsync(_replicaSets, copy, cancellationToken);
        var direction = size > from ? "up" : "down";
        await _events.RecordAsync(ObjectReference.Of(Kind, d.Metadata), "Normal", "ScalingReplicaSet",
            $"Scaled {direction} replica set {set.Metadata.Name} from {from} to {size}", Component, cancellationToken);
        return written;
    }

    private async Task PruneHistoryAsync(V1Deployment d, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        var limit = d.Spec.RevisionHistoryLimit ?? 10;
        var idle = old.Where(s => SpecReplicas(s) == 0 && (s.Status?.Replicas ?? 0) == 0 && s.Metadata.DeletionTimestamp is null)
            .OrderBy(Revision).ToList();
        foreach (var set in idle.Take(Math.Max(0, idle.Count - limit)))
        {
            await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(KindRegistry.ReplicaSet, set.Metadata.NamespaceProperty, set.Metadata.Name, null, false, cancellationToken));
        }
    }

    private async Task<TimeSpan?> UpdateStatusAsync(V1Deployment d, V1ReplicaSet? newSet, List<V1ReplicaSet> all, bool created, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var status = DeploymentStatus.Compute(d, newSet, all, created, now);
        await _objects.UpdateStatusAsync(_deployments, d, status, cancellationToken);
        return DeploymentStatus.NextDeadline(d, status, now);
    }

    public static bool IsComplete(V1Deployment d, V1ReplicaSet? newSet, List<V1ReplicaSet> all)
    {
        var replicas = d.Spec.Replicas ?? 1;
        return newSet is not null && (newSet.Status?.Replicas ?? 0) == replicas && SpecReplicas(newSet) == replicas
            && all.Sum(s => s.Status?.Replicas ?? 0) == replicas && (newSet.Status?.AvailableReplicas ?? 0) == replicas;
    }

    public static long Revision(V1ReplicaSet rs) =>
        long.TryParse(rs.GetAnnotation(RevisionAnnotation), out var revision) ? revision : 0;

    private static int SpecReplicas(V1ReplicaSet rs) => rs.Spec.Replicas ?? 1;

    private static ReplicaSetCounts Counts(V1ReplicaSet rs) =>
        new(rs.Metadata.Name, SpecReplicas(rs), rs.Status?.AvailableReplicas ?? 0, rs.Metadata.CreationTimestamp ?? DateTime.MinValue);

    // Only Recreate waits on pods: a pod of an old ReplicaSet going away may let the new one start.
    private void OnPodChanged(V1Pod? old, V1Pod? pod)
    {
        if (pod is null && old is not null && Ownership.ControllerKey(KindRegistry.ReplicaSet, old.Metadata) is { } setKey
            && _replicaSets.Get(setKey) is { } set && Ownership.ControllerKey(Kind, set.Metadata) is { } owner)
        {
            Queue.Add(owner);
        }
    }
}
