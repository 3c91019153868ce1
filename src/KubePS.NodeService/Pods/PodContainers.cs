using KubePS.Core.Kinds;
using KubePS.NodeService.Runtime;

namespace KubePS.NodeService.Pods;

/// <summary>A pod's containers in the runtime, read back from their labels.</summary>
public sealed class PodContainers(IReadOnlyList<RuntimeContainer> all)
{
    public IReadOnlyList<RuntimeContainer> All => all;

    public RuntimeContainer? Sandbox => all
        .Where(c => c.Label(WellKnown.ContainerLabels.Sandbox) == "true")
        .OrderByDescending(c => c.State == ContainerRunState.Running)
        .ThenByDescending(c => c.StartedAt)
        .FirstOrDefault();

    /// <summary>The instances of one pod container, newest (highest restart count) first.</summary>
    public IReadOnlyList<RuntimeContainer> Instances(string containerName) => all
        .Where(c => c.Label(WellKnown.ContainerLabels.Sandbox) != "true" && c.Label(WellKnown.ContainerLabels.ContainerName) == containerName)
        .OrderByDescending(RestartCount)
        .ToList();

    /// <summary>Whether any app container of <paramref name="pod"/> was created in this sandbox: then its init containers are done.</summary>
    public bool AppContainersCreated(k8s.Models.V1Pod pod) => pod.Spec.Containers.Any(c => Instances(c.Name).Count > 0);

    public static int RestartCount(RuntimeContainer container) =>
        int.TryParse(container.Label(WellKnown.ContainerLabels.RestartCount), out var count) ? count : 0;
}
