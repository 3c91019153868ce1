using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Keeps <c>spec.replicas</c> active pods matching each ReplicaSet's selector: adopts orphans that
/// match, releases pods that stop matching, creates and deletes the difference, and reports the
/// counts (ready, and available after <c>minReadySeconds</c>) in status.
/// </summary>
public sealed class ReplicaSetController : Controller
{
    private static readonly KindInfo Kind = KindRegistry.ReplicaSet;
    private readonly ObjectService _objects;
    private readonly PodControl _pods;
    private readonly Informer<V1ReplicaSet> _replicaSets;
    private readonly ChildClaimer<V1Pod> _claimer;

    public ReplicaSetController(ObjectService objects, SharedInformers informers, PodControl pods, TimeProvider clock, ILogger<ReplicaSetController> logger)
        : base(clock, logger, workers: 4)
    {
        _objects = objects;
        _pods = pods;
        _replicaSets = informers.For<V1ReplicaSet>(Kind);
        _claimer = new ChildClaimer<V1Pod>(Kind, objects, pods.Pods);
        _replicaSets.AddHandler(EnqueueItself<V1ReplicaSet>());
        pods.Pods.AddHandler(EnqueueControllerOrAdopters<V1Pod, V1ReplicaSet>(Kind, _replicaSets, rs => rs.Spec.Selector));
    }

    protected override IEnumerable<IInformer> Informers => [_replicaSets, _pods.Pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_replicaSets.Get(key) is not { } rs)
        {
            return null;
        }

        var selector = LabelSelector.FromObject(rs.Spec.Selector);
        var pods = await _claimer.ClaimAsync(rs.Metadata, selector, cancellationToken);
        var active = pods.Where(PodState.IsActive).ToList();
        Exception? failure = null;
        if (rs.Metadata.DeletionTimestamp is null)
        {
            try
            {
                active = await ManageReplicasAsync(rs, active, cancellationToken);
            }
            catch (PodCreationException e)
            {
                failure = e;
            }
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        await UpdateStatusAsync(rs, active, now, failure, cancellationToken);
        if (failure is not null)
        {
            throw failure;
        }

        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var nextAvailable = active.Select(p => PodState.AvailableAt(p, minReady)).Where(t => t > now).Min();
        return nextAvailable - now;
    }

    // Returns the active pods after the change.
    private async Task<List<V1Pod>> ManageReplicasAsync(V1ReplicaSet rs, List<V1Pod> active, CancellationToken cancellationToken)
    {
        var diff = active.Count - (rs.Spec.Replicas ?? 1);
        if (diff < 0)
        {
            var created = new List<V1Pod>();
            try
            {
                await PodControl.SlowStartAsync(-diff, async _ =>
                {
                    var pod = await _pods.CreateAsync(Kind, rs.Metadata, rs.Spec.Template, customise: null, cancellationToken);
                    lock (created)
                    {
                        created.Add(pod);
                    }
                });
            }
            finally
            {
                active.AddRange(created);
            }
        }
        else if (diff > 0)
        {
            var doomed = active.OrderBy(PodState.DeletionRank).Take(diff).ToList();
            await Task.WhenAll(doomed.Select(p => _pods.DeleteAsync(Kind, rs.Metadata, p, cancellationToken)));
            active = active.Except(doomed).ToList();
        }

        return active;
    }

    private async Task UpdateStatusAsync(
        V1ReplicaSet rs, List<V1Pod> active, DateTime now, Exception? failure, CancellationToken cancellationToken)
    {
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        IDictionary<string, string> templateLabels = rs.Spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>();
        var status = new V1ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = active.Count(p => templateLabels.All(l => p.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value)),
            ReadyReplicas = active.Count(PodState.IsReady),
            AvailableReplicas = active.Count(p => PodState.IsAvailable(p, minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
            Conditions = ReplicaFailure(rs, failure, now),
        };
        await _objects.UpdateStatusAsync(_replicaSets, rs, status, cancellationToken);
    }

    private static List<V1ReplicaSetCondition>? ReplicaFailure(V1ReplicaSet rs, Exception? failure, DateTime now)
    {
        var others = (rs.Status?.Conditions ?? []).Where(c => c.Type != "ReplicaFailure").ToList();
        if (failure is null)
        {
            return others.Count == 0 ? null : others;
        }

        var existing = rs.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure");
        others.Add(new V1ReplicaSetCondition
        {
            Type = "ReplicaFailure",
            Status = "True",
            Reason = "FailedCreate",
            Message = failure.Message,
            LastTransitionTime = existing?.LastTransitionTime ?? now,
        });
        return others;
    }
}
