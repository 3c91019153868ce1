using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>
/// The pods/eviction subresource (policy/v1 Eviction), as <c>kubectl drain</c> uses it: deletes the
/// pod unless a PodDisruptionBudget that selects it allows no disruption now (429 TooManyRequests).
/// An allowed eviction takes one disruption from the budget's status and lists the pod in its
/// <c>disruptedPods</c> until the disruption controller sees the pod go.
/// </summary>
public sealed class PodEviction(ObjectService objects, TimeProvider clock)
{
    private const int Attempts = 8;

    public async Task EvictAsync(string ns, string name, V1Eviction eviction, CancellationToken cancellationToken)
    {
        var pod = KubeJson.ToTyped<V1Pod>(await objects.GetAsync(KindRegistry.Pod, ns, name, cancellationToken));

        // A finished or already deleted pod disrupts nothing.
        if (pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null)
        {
            await TakeDisruptionAsync(pod, cancellationToken);
        }

        await objects.DeleteAsync(KindRegistry.Pod, ns, name, eviction.DeleteOptions, dryRun: false, cancellationToken);
    }

    private async Task TakeDisruptionAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var budgets = (await objects.Store.ListAsync(KindRegistry.PodDisruptionBudget, pod.Metadata.NamespaceProperty, cancellationToken)).Items
                .Select(KubeJson.ToTyped<V1PodDisruptionBudget>)
                .Where(b => Controllers.DisruptionController.Selects(b, pod))
                .ToList();
            if (budgets.Count == 0)
            {
                return;
            }

            if (budgets.Count > 1)
            {
                throw new ApiException(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }

            var budget = budgets[0];
            var status = budget.Status;
            if (status is null || status.ObservedGeneration < budget.Metadata.Generation || status.DisruptionsAllowed <= 0)
            {
                throw ApiException.DisruptionBudget(
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    $"The disruption budget {budget.Metadata.Name} needs {status?.DesiredHealthy ?? 0} healthy pods and has {status?.CurrentHealthy ?? 0} currently");
            }

            status.DisruptionsAllowed -= 1;
            status.DisruptedPods ??= new Dictionary<string, DateTime?>();
            status.DisruptedPods[pod.Metadata.Name] = clock.GetUtcNow().UtcDateTime;
            try
            {
                await objects.UpdateAsync(KindRegistry.PodDisruptionBudget, budget.Metadata.NamespaceProperty, budget.Metadata.Name,
                    KubeJson.ToNode(budget), "status", dryRun: false, cancellationToken);
                return;
            }
            catch (ApiException e) when (e.Reason == "Conflict" && attempt < Attempts)
            {
                // Another eviction took from the same budget; count again.
            }
        }
    }
}
