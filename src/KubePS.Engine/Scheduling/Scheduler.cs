using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// Places unscheduled pods: filters the nodes with <see cref="NodeFit"/>, prefers the least
/// allocated, binds through the binding subresource. A pod that fits nowhere stays Pending with a
/// FailedScheduling event and an Unschedulable PodScheduled condition, and is retried when pods or
/// nodes change.
/// </summary>
public sealed class Scheduler(ObjectService objects, EventRecorder events, TimeProvider clock, ILogger<Scheduler> logger) : BackgroundService
{
    public const string Name = "default-scheduler";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    // The last FailedScheduling message per pod uid, so a pod that stays unschedulable is not reported again and again.
    private readonly Dictionary<string, string> _reported = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = objects.Store;
        var from = store.CurrentResourceVersion;
        using var pods = store.Watch(KindRegistry.Pod, null, from);
        using var nodes = store.Watch(KindRegistry.Node, null, from);
        do
        {
            try
            {
                await ScheduleAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Scheduling round failed; retrying");
            }
        }
        while (await ChangeSignal.WaitAsync([pods, nodes], RetryInterval, stoppingToken));
    }

    /// <summary>One scheduling round over every pending pod.</summary>
    public async Task ScheduleAllAsync(CancellationToken cancellationToken)
    {
        var nodes = (await objects.ListAsync(KindRegistry.Node, null, LabelSelector.Everything, FieldSelector.Everything, cancellationToken))
            .Items.Select(KubeJson.ToTyped<V1Node>).ToList();
        var pods = (await objects.ListAsync(KindRegistry.Pod, null, LabelSelector.Everything, FieldSelector.Everything, cancellationToken))
            .Items.Select(KubeJson.ToTyped<V1Pod>).ToList();
        var placed = pods.Where(p => !string.IsNullOrEmpty(p.Spec.NodeName)).GroupBy(p => p.Spec.NodeName)
            .ToDictionary(g => g.Key, g => g.ToList());
        var pending = pods
            .Where(p => string.IsNullOrEmpty(p.Spec.NodeName) && p.Metadata.DeletionTimestamp is null && p.Spec.SchedulerName is null or Name)
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp);
        foreach (var pod in pending)
        {
            await ScheduleAsync(pod, nodes, placed, cancellationToken);
        }

        var live = pods.Select(p => p.Metadata.Uid).ToHashSet();
        foreach (var gone in _reported.Keys.Where(uid => !live.Contains(uid)).ToList())
        {
            _reported.Remove(gone);
        }
    }

    private async Task ScheduleAsync(V1Pod pod, List<V1Node> nodes, Dictionary<string, List<V1Pod>> placed, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var reasons = new List<string>();
        V1Node? best = null;
        var bestScore = double.MinValue;
        foreach (var node in nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            var onNode = placed.GetValueOrDefault(node.Metadata.Name) ?? [];
            var failures = NodeFit.Check(pod, node, onNode, now);
            if (failures.Count > 0)
            {
                reasons.AddRange(failures);
                continue;
            }

            var score = NodeFit.Score(pod, node, onNode);
            if (score > bestScore)
            {
                (best, bestScore) = (node, score);
            }
        }

        var reference = ObjectReference.Of(pod);
        if (best is null)
        {
            var message = NodeFit.Explain(nodes.Count, reasons);
            if (_reported.GetValueOrDefault(pod.Metadata.Uid) != message)
            {
                _reported[pod.Metadata.Uid] = message;
                logger.LogInformation("Pod {Namespace}/{Pod} is unschedulable: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, message);
                await MarkUnschedulableAsync(pod, message, cancellationToken);
                await events.RecordAsync(reference, "Warning", "FailedScheduling", message, Name, cancellationToken);
            }

            return;
        }

        try
        {
            await objects.BindAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name,
                new V1Binding { Metadata = new V1ObjectMeta { Name = pod.Metadata.Name }, Target = new V1ObjectReference { Kind = "Node", Name = best.Metadata.Name } },
                cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // The pod went away or changed since this round's list; the next round sees its new state.
            return;
        }

        _reported.Remove(pod.Metadata.Uid);
        pod.Spec.NodeName = best.Metadata.Name;
        if (!placed.TryGetValue(best.Metadata.Name, out var list))
        {
            placed[best.Metadata.Name] = list = [];
        }

        list.Add(pod);
        await events.RecordAsync(reference, "Normal", "Scheduled",
            $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {best.Metadata.Name}", Name, cancellationToken);
    }

    private async Task MarkUnschedulableAsync(V1Pod pod, string message, CancellationToken cancellationToken)
    {
        var condition = new V1PodCondition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = "Unschedulable",
            Message = message,
            LastTransitionTime = clock.GetUtcNow().UtcDateTime,
        };
        pod.Status ??= new V1PodStatus();
        pod.Status.Conditions = (pod.Status.Conditions ?? []).Where(c => c.Type != "PodScheduled").Append(condition).ToList();
        try
        {
            await objects.UpdateAsync(KindRegistry.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, KubeJson.ToNode(pod), "status", false, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Changed meanwhile; the next round reports again if it is still unschedulable.
            _reported.Remove(pod.Metadata.Uid);
        }
    }
}
