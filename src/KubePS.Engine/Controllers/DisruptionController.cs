using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Keeps each PodDisruptionBudget's status: the pods it selects (expected), the ready ones not
/// already being disrupted (current healthy), how many must stay (desired healthy, from
/// <c>minAvailable</c> or <c>maxUnavailable</c>, numbers or percentages) and so how many evictions
/// it allows now. Pods an eviction took drop out of <c>disruptedPods</c> once they are seen going,
/// or after two minutes.
/// </summary>
public sealed class DisruptionController : Controller
{
    private static readonly TimeSpan DisruptionTimeout = TimeSpan.FromMinutes(2);
    private readonly ObjectService _objects;
    private readonly Informer<V1PodDisruptionBudget> _budgets;
    private readonly Informer<V1Pod> _pods;

    public DisruptionController(ObjectService objects, SharedInformers informers, TimeProvider clock, ILogger<DisruptionController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _budgets = informers.For<V1PodDisruptionBudget>(KindRegistry.PodDisruptionBudget);
        _pods = informers.For<V1Pod>(KindRegistry.Pod);
        _budgets.AddHandler(EnqueueItself<V1PodDisruptionBudget>());
        _pods.AddHandler(EnqueueKeys<V1Pod>((old, pod) => _budgets.InNamespace((pod ?? old)!.Metadata.NamespaceProperty ?? "")
            .Where(b => Selects(b, old) || Selects(b, pod))
            .Select(b => Informer<V1PodDisruptionBudget>.KeyOf(b.Metadata))));
    }

    protected override IEnumerable<IInformer> Informers => [_budgets, _pods];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_budgets.Get(key) is not { } budget)
        {
            return null;
        }

        var now = Clock.GetUtcNow().UtcDateTime;
        var pods = _pods.InNamespace(budget.Metadata.NamespaceProperty).Where(p => Selects(budget, p) && PodState.IsActive(p)).ToList();
        var disrupted = (budget.Status?.DisruptedPods ?? new Dictionary<string, DateTime?>())
            .Where(d => d.Value is { } at && now - at.ToUniversalTime() < DisruptionTimeout
                && pods.Any(p => p.Metadata.Name == d.Key && p.Metadata.DeletionTimestamp is null))
            .ToDictionary(d => d.Key, d => d.Value);
        var expected = pods.Count;
        var healthy = pods.Count(p => PodState.IsReady(p) && p.Metadata.DeletionTimestamp is null && !disrupted.ContainsKey(p.Metadata.Name));
        var desired = DesiredHealthy(budget.Spec, expected);
        var allowed = Math.Max(0, healthy - desired);
        var old = budget.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        var conditionStatus = allowed > 0 ? "True" : "False";
        var status = new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = budget.Metadata.Generation,
            DisruptedPods = disrupted.Count > 0 ? disrupted : null,
            DisruptionsAllowed = allowed,
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            ExpectedPods = expected,
            Conditions =
            [
                new V1Condition
                {
                    Type = "DisruptionAllowed",
                    Status = conditionStatus,
                    Reason = allowed > 0 ? "SufficientPods" : "InsufficientPods",
                    Message = "",
                    ObservedGeneration = budget.Metadata.Generation,
                    LastTransitionTime = old?.Status == conditionStatus ? old.LastTransitionTime : now,
                },
            ],
        };
        await _objects.UpdateStatusAsync(_budgets, budget, status, cancellationToken);
        return disrupted.Count > 0 ? disrupted.Values.Min()!.Value.ToUniversalTime() + DisruptionTimeout - now : null;
    }

    /// <summary>How many selected pods must stay healthy: <c>minAvailable</c>, or the pods less <c>maxUnavailable</c>; percentages round up.</summary>
    public static int DesiredHealthy(V1PodDisruptionBudgetSpec spec, int expected)
    {
        if (spec.MaxUnavailable is { } maxUnavailable)
        {
            return Math.Max(0, expected - Amount(maxUnavailable.Value, expected));
        }

        return spec.MinAvailable is { } minAvailable ? Amount(minAvailable.Value, expected) : 1;
    }

    private static int Amount(string value, int total) =>
        value.EndsWith('%') && int.TryParse(value[..^1], out var percent) ? (int)Math.Ceiling(total * percent / 100.0)
        : int.TryParse(value, out var number) ? number : 0;

    /// <summary>Whether the budget covers the pod (same namespace, a non-empty selector that matches), for the controller, evictions and preemption.</summary>
    public static bool Selects(V1PodDisruptionBudget budget, V1Pod? pod) =>
        pod is not null && budget.Metadata.NamespaceProperty == pod.Metadata.NamespaceProperty
        && LabelSelector.FromObject(budget.Spec?.Selector) is { IsEmpty: false } selector && selector.Matches(pod.Metadata.Labels);
}
