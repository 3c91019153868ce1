using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using System.Collections.Concurrent;
using System.Threading.Channels;
using KubePS.Engine.Controllers;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// Places unscheduled pods: the <see cref="SchedulingQueue"/> orders the pending ones (highest priority
/// first) and holds back those that did not fit; the <see cref="SchedulingFramework"/>'s filter and score
/// plugins choose a node; the binding subresource assigns it. Pods and nodes come from the engine's
/// shared informers, so a round lists nothing. A chosen pod is assumed on its node at once and bound in
/// the background, so binding does not hold up the next decision; the assumption lasts until the watch
/// shows the pod bound (or the bind fails). A pod that fits nowhere stays Pending with a FailedScheduling
/// event and an Unschedulable PodScheduled condition.
/// </summary>
public sealed class Scheduler : BackgroundService
{
    public const string Name = "default-scheduler";
    // Each bind waits for a store commit; many in flight keep the store's group commits full.
    private const int MaxBindsInFlight = 1024;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger<Scheduler> _logger;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1PodDisruptionBudget> _budgets;
    private readonly SchedulingQueue _queue;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Pods chosen for a node whose binding the watch has not shown yet (pod uid → node).
    private readonly ConcurrentDictionary<string, string> _assumed = new();
    private readonly SemaphoreSlim _binds = new(MaxBindsInFlight);
    private int _clusterChanged;

    // The last FailedScheduling message per pod uid, so a pod that stays unschedulable is not reported again and again.
    private readonly Dictionary<string, string> _reported = [];

    public Scheduler(ObjectService objects, SharedInformers informers, EventRecorder events, TimeProvider clock, ILogger<Scheduler> logger)
    {
        _objects = objects;
        _events = events;
        _clock = clock;
        _logger = logger;
        _queue = new SchedulingQueue(clock);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _nodes = informers.For<V1Node>(KindRegistry.Node);
        _budgets = informers.For<V1PodDisruptionBudget>(KindRegistry.PodDisruptionBudget);
        _pods.AddHandler((old, pod) =>
        {
            // A new pending pod changes nothing for the others; a pod placed, changed or gone may.
            if (old is not null || pod is null || !string.IsNullOrEmpty(pod.Spec.NodeName))
            {
                Interlocked.Exchange(ref _clusterChanged, 1);
            }

            _wake.Writer.TryWrite(true);
        });
        _nodes.AddHandler((_, _) =>
        {
            Interlocked.Exchange(ref _clusterChanged, 1);
            _wake.Writer.TryWrite(true);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(_pods.Synced, _nodes.Synced).WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScheduleDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Scheduling round failed; retrying");
            }

            var wait = _queue.NextDue is { } due ? due - _clock.GetUtcNow() : IdleWait;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timer.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > IdleWait ? IdleWait : wait);
            try
            {
                await _wake.Reader.ReadAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One scheduling round over the pending pods the queue says are due.</summary>
    private async Task ScheduleDueAsync(CancellationToken cancellationToken)
    {
        var pods = _pods.List();
        var byUid = pods.ToDictionary(p => p.Metadata.Uid);
        foreach (var (uid, _) in _assumed)
        {
            if (!byUid.TryGetValue(uid, out var seen) || !string.IsNullOrEmpty(seen.Spec.NodeName))
            {
                _assumed.TryRemove(uid, out _);
            }
        }

        var placed = pods
            .Select(p => (Pod: p, Node: string.IsNullOrEmpty(p.Spec.NodeName) ? _assumed.GetValueOrDefault(p.Metadata.Uid) : p.Spec.NodeName))
            .Where(x => x.Node is not null)
            .ToLookup(x => x.Node!, x => x.Pod);
        var snapshot = new ClusterSnapshot(_nodes.List().Select(n => new NodeInfo(n, placed[n.Metadata.Name])).ToList(), _clock.GetUtcNow().UtcDateTime);
        var pending = pods
            .Where(p => string.IsNullOrEmpty(p.Spec.NodeName) && !_assumed.ContainsKey(p.Metadata.Uid)
                && p.Metadata.DeletionTimestamp is null && p.Spec.SchedulerName is null or Name)
            .ToList();
        _queue.KeepOnly(pending.Select(p => p.Metadata.Uid).ToHashSet());
        if (Interlocked.Exchange(ref _clusterChanged, 0) == 1)
        {
            _queue.ClusterChanged();
        }

        var nominated = pods.Where(p => string.IsNullOrEmpty(p.Spec.NodeName) && p.Status?.NominatedNodeName is { Length: > 0 }).ToList();
        foreach (var pod in _queue.Due(pending))
        {
            await ScheduleAsync(pod, snapshot, snapshot.WithNominated(nominated, pod), cancellationToken);
        }

        foreach (var gone in _reported.Keys.Where(uid => !byUid.ContainsKey(uid)).ToList())
        {
            _reported.Remove(gone);
        }
    }

    // The pod sees the room that pods nominated by preemption wait for (of its priority or above) as taken.
    private async Task ScheduleAsync(V1Pod pod, ClusterSnapshot snapshot, ClusterSnapshot view, CancellationToken cancellationToken)
    {
        var result = SchedulingFramework.Default.Schedule(pod, view);
        if (result.Node is not { } best)
        {
            _queue.Failed(pod);
            var message = result.Explain();
            var nominated = await PreemptAsync(pod, snapshot, cancellationToken);
            if (_reported.GetValueOrDefault(pod.Metadata.Uid) != message || nominated is not null)
            {
                _reported[pod.Metadata.Uid] = message;
                _logger.LogInformation("Pod {Namespace}/{Pod} is unschedulable: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, message);
                await MarkUnschedulableAsync(pod, message, nominated, cancellationToken);
                await _events.RecordAsync(ObjectReference.Of(pod), "Warning", "FailedScheduling", message, Name, cancellationToken);
            }

            return;
        }

        // Assumed on its node from now on (the plugins read a pod's node from where it sits), bound meanwhile.
        _queue.Scheduled(pod);
        _reported.Remove(pod.Metadata.Uid);
        _assumed[pod.Metadata.Uid] = best.Name;
        snapshot.Assume(snapshot.Nodes.First(n => n.Name == best.Name), pod);
        await _binds.WaitAsync(cancellationToken);
        _ = BindAsync(pod, best.Name, cancellationToken);
    }

    private async Task BindAsync(V1Pod pod, string node, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.BindAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name,
                new V1Binding { Metadata = new V1ObjectMeta { Name = pod.Metadata.Name }, Target = new V1ObjectReference { Kind = "Node", Name = node } },
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The pod went away or changed since the round's list (404, 409), or the write failed: the
            // assumption goes and the next round sees the pod as it is.
            if (e is not ApiException { Code: 404 or 409 })
            {
                _logger.LogWarning(e, "Binding pod {Namespace}/{Pod} to {Node} failed", pod.Metadata.NamespaceProperty, pod.Metadata.Name, node);
            }

            _assumed.TryRemove(pod.Metadata.Uid, out _);
            _wake.Writer.TryWrite(true);
            return;
        }
        finally
        {
            _binds.Release();
        }

        await _events.RecordAsync(ObjectReference.Of(pod), "Normal", "Scheduled",
            $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {node}", Name, cancellationToken);
    }

    // Evicts lower-priority pods so this one fits on a node next time; returns that node, or null.
    // A pod already nominated waits for its victims to go rather than preempting again.
    private async Task<string?> PreemptAsync(V1Pod pod, ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (pod.Status?.NominatedNodeName is { Length: > 0 } nominated
            && snapshot.Nodes.FirstOrDefault(n => n.Name == nominated) is { } node && node.Pods.Any(p => p.Metadata.DeletionTimestamp is not null))
        {
            return null;
        }

        if (Preemption.Plan(pod, snapshot, SchedulingFramework.Default, _budgets.List()) is not { } plan)
        {
            return null;
        }

        foreach (var victim in plan.Victims)
        {
            _logger.LogInformation("Preempting pod {Namespace}/{Pod} on {Node} for {Preemptor}",
                victim.Metadata.NamespaceProperty, victim.Metadata.Name, plan.Node.Name, pod.Metadata.Name);
            await ConcurrentWrites.TolerateRaceAsync(() =>
                _objects.DeleteAsync(KindRegistry.Pod, victim.Metadata.NamespaceProperty, victim.Metadata.Name, null, false, cancellationToken));
            await _events.RecordAsync(ObjectReference.Of(victim), "Normal", "Preempted",
                $"Preempted by pod {pod.Metadata.Uid} on node {plan.Node.Name}", Name, cancellationToken);
        }

        return plan.Node.Name;
    }

    private async Task MarkUnschedulableAsync(V1Pod cached, string message, string? nominatedNode, CancellationToken cancellationToken)
    {
        var pod = Informer<V1Pod>.Copy(cached);
        var condition = new V1PodCondition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = "Unschedulable",
            Message = message,
            LastTransitionTime = _clock.GetUtcNow().UtcDateTime,
        };
        pod.Status ??= new V1PodStatus();
        pod.Status.Conditions = (pod.Status.Conditions ?? []).Where(c => c.Type != "PodScheduled").Append(condition).ToList();
        pod.Status.NominatedNodeName = nominatedNode ?? pod.Status.NominatedNodeName;
        try
        {
            await _objects.UpdateAsync(KindRegistry.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, KubeJson.ToNode(pod), "status", false, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Changed meanwhile; the next round reports again if it is still unschedulable.
            _reported.Remove(pod.Metadata.Uid);
        }
    }
}
