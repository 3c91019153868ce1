using k8s.Models;
using KubePS.Engine.Controllers;

namespace KubePS.Engine.Scheduling;

/// <summary>The pods to evict from one node so a higher-priority pod fits there.</summary>
public sealed record PreemptionPlan(NodeInfo Node, IReadOnlyList<V1Pod> Victims, int BudgetViolations);

/// <summary>
/// Kubernetes' default preemption (the PostFilter step): for a pod that fits nowhere, on each node
/// find the fewest lower-priority pods whose removal lets it pass every filter (remove them all, then
/// give back the most important ones while it still fits), and choose the node whose victims break
/// the fewest PodDisruptionBudgets, then have the lowest top priority, then the lowest total, then
/// are fewest.
/// </summary>
public static class Preemption
{
    public static PreemptionPlan? Plan(V1Pod pod, ClusterSnapshot cluster, SchedulingFramework framework, IReadOnlyList<V1PodDisruptionBudget> budgets)
    {
        var priority = pod.Spec.Priority ?? 0;
        if (pod.Spec.PreemptionPolicy == "Never")
        {
            return null;
        }

        var plans = new List<PreemptionPlan>();
        foreach (var node in cluster.Nodes)
        {
            var lower = node.Pods.Where(p => (p.Spec.Priority ?? 0) < priority && p.Metadata.DeletionTimestamp is null).ToList();
            if (lower.Count == 0)
            {
                continue;
            }

            var kept = node.Pods.Except(lower).ToList();
            if (!Fits(pod, node, kept, cluster, framework))
            {
                continue;
            }

            // Give back the most important candidates first; whatever must still go is a victim.
            var victims = new List<V1Pod>();
            foreach (var candidate in lower.OrderByDescending(p => p.Spec.Priority ?? 0).ThenBy(p => p.Metadata.CreationTimestamp))
            {
                kept.Add(candidate);
                if (!Fits(pod, node, kept, cluster, framework))
                {
                    kept.Remove(candidate);
                    victims.Add(candidate);
                }
            }

            plans.Add(new PreemptionPlan(node, victims, Violations(victims, budgets)));
        }

        return plans
            .OrderBy(p => p.BudgetViolations)
            .ThenBy(p => p.Victims.Max(v => v.Spec.Priority ?? 0))
            .ThenBy(p => p.Victims.Sum(v => (long)(v.Spec.Priority ?? 0)))
            .ThenBy(p => p.Victims.Count)
            .ThenBy(p => p.Node.Name, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static bool Fits(V1Pod pod, NodeInfo node, IEnumerable<V1Pod> remaining, ClusterSnapshot cluster, SchedulingFramework framework)
    {
        var trial = new NodeInfo(node.Node, remaining);
        var nodes = cluster.Nodes.Select(n => n == node ? trial : n).ToList();
        return framework.Schedule(pod, new ClusterSnapshot([trial], cluster.Now), new ClusterSnapshot(nodes, cluster.Now)).Node is not null;
    }

    // Victims a budget does not allow to go: each budget allows its disruptionsAllowed, the rest count.
    private static int Violations(IEnumerable<V1Pod> victims, IReadOnlyList<V1PodDisruptionBudget> budgets)
    {
        var left = budgets.ToDictionary(b => b, b => b.Status?.DisruptionsAllowed ?? 0);
        var violations = 0;
        foreach (var victim in victims)
        {
            var budget = budgets.FirstOrDefault(b => DisruptionController.Selects(b, victim));
            if (budget is null)
            {
                continue;
            }

            if (left[budget] > 0)
            {
                left[budget]--;
            }
            else
            {
                violations++;
            }
        }

        return violations;
    }
}
