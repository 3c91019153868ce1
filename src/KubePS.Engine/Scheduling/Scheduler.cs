using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using System.Threading.Channels;
using KubePS.Engine.Controllers;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// Places unscheduled pods, highest priority first: the <see cref="SchedulingFramework"/>'s filter
/// and score plugins choose a node, the binding subresource assigns it. Pods and nodes come from the
/// engine's shared informers, so a round lists nothing, and a pod bound in a round counts on its node
/// for the rest of it. A pod that fits nowhere stays Pending with a FailedScheduling event and an
/// Unschedulable PodScheduled condition, and is retried when pods or nodes change.
/// </summary>
public sealed class Scheduler : BackgroundService
{
    public const string Name = "default-scheduler";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly TimeProvider _clock;
    private readonly ILogger<Scheduler> _logger;
    private readonly Informer<V1Pod> _pods;
    private readonly Informer<V1Node> _nodes;
    private readonly Informer<V1PodDisruptionBudget> _budgets;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // The last FailedScheduling message per pod uid, so a pod that stays unschedulable is not reported again and again.
    private readonly Dictionary<string, string> _reported = [];

    public Scheduler(ObjectService objects, SharedInformers informers, EventRecorder events, TimeProvider clock, ILogger<Scheduler> logger)
    {
        _objects = objects;
        _events = events;
        _clock = clock;
        _logger = logger;
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _nodes = informers.For<V1Node>(KindRegistry.Node);
        _budgets = informers.For<V1PodDisruptionBudget>(KindRegistry.PodDisruptionBudget);
        _pods.AddHandler((_, _) => _wake.Writer.TryWrite(true));
        _nodes.AddHandler((_, _) => _wake.Writer.TryWrite(true));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(_pods.Synced, _nodes.Synced).WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScheduleAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "Scheduling round failed; retrying");
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(RetryInterval);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One scheduling round over every pending pod.</summary>
    private async Task ScheduleAllAsync(CancellationToken cancellationToken)
    {
        var pods = _pods.List();
        var placed = pods.Where(p => !string.IsNullOrEmpty(p.Spec.NodeName)).ToLookup(p => p.Spec.NodeName);
        var snapshot = new ClusterSnapshot(
            _nodes.List().Select(n => new NodeInfo(n, placed[n.Metadata.Name])).ToList(), _clock.GetUtcNow().UtcDateTime);
        var pending = pods
            .Where(p => string.IsNullOrEmpty(p.Spec.NodeName) && p.Metadata.DeletionTimestamp is null && p.Spec.SchedulerName is null or Name)
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp);
        var nominated = pods.Where(p => string.IsNullOrEmpty(p.Spec.NodeName) && p.Status?.NominatedNodeName is { Length: > 0 }).ToList();
        foreach (var pod in pending)
        {
            await ScheduleAsync(pod, snapshot, snapshot.WithNominated(nominated, pod), cancellationToken);
        }

        var live = pods.Select(p => p.Metadata.Uid).ToHashSet();
        foreach (var gone in _reported.Keys.Where(uid => !live.Contains(uid)).ToList())
        {
            _reported.Remove(gone);
        }
    }

    // The pod sees the room that pods nominated by preemption wait for (of its priority or above) as taken.
    private async Task ScheduleAsync(V1Pod pod, ClusterSnapshot snapshot, ClusterSnapshot view, CancellationToken cancellationToken)
    {
        var result = SchedulingFramework.Default.Schedule(pod, view);
        var reference = ObjectReference.Of(pod);
        if (result.Node is not { } best)
        {
            var message = result.Explain();
            var nominated = await PreemptAsync(pod, snapshot, cancellationToken);
            if (_reported.GetValueOrDefault(pod.Metadata.Uid) != message || nominated is not null)
            {
                _reported[pod.Metadata.Uid] = message;
                _logger.LogInformation("Pod {Namespace}/{Pod} is unschedulable: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, message);
                await MarkUnschedulableAsync(pod, message, nominated, cancellationToken);
                await _events.RecordAsync(reference, "Warning", "FailedScheduling", message, Name, cancellationToken);
            }

            return;
        }

        try
        {
            await _objects.BindAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name,
                new V1Binding { Metadata = new V1ObjectMeta { Name = pod.Metadata.Name }, Target = new V1ObjectReference { Kind = "Node", Name = best.Name } },
                cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // The pod went away or changed since this round's list; the next round sees its new state.
            return;
        }

        // Assumed on its node for the rest of the round (the plugins read a pod's node from where it sits); the watch brings it bound.
        _reported.Remove(pod.Metadata.Uid);
        snapshot.Nodes.First(n => n.Name == best.Name).Assume(pod);
        await _events.RecordAsync(reference, "Normal", "Scheduled",
            $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {best.Name}", Name, cancellationToken);
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
