using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Admission;

/// <summary>
/// The Priority admission step: a new pod's <c>priorityClassName</c> becomes its <c>priority</c> and
/// <c>preemptionPolicy</c>; a pod without one gets the global default class's, or 0.
/// </summary>
public static class PodPriority
{
    public static async Task ApplyAsync(V1Pod pod, IObjectStore store, CancellationToken cancellationToken)
    {
        var classes = (await store.ListAsync(KindRegistry.PriorityClass, null, cancellationToken)).Items.Select(KubeJson.ToTyped<V1PriorityClass>).ToList();
        V1PriorityClass? chosen;
        if (pod.Spec.PriorityClassName is { Length: > 0 } name)
        {
            chosen = classes.FirstOrDefault(c => c.Metadata.Name == name)
                ?? throw ApiException.Forbidden(KindRegistry.Pod, pod.Metadata.Name, $"no PriorityClass with name {name} was found");
        }
        else
        {
            chosen = classes.Where(c => c.GlobalDefault == true).OrderByDescending(c => c.Value).FirstOrDefault();
        }

        if (chosen is not null)
        {
            pod.Spec.PriorityClassName ??= chosen.Metadata.Name;
            pod.Spec.Priority = chosen.Value;
            pod.Spec.PreemptionPolicy = chosen.PreemptionPolicy ?? "PreemptLowerPriority";
        }
        else
        {
            pod.Spec.Priority ??= 0;
        }

        pod.Spec.PreemptionPolicy ??= "PreemptLowerPriority";
    }
}
