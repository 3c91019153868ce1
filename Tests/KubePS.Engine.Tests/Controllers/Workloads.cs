using k8s;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>
/// What controller tests share: a namespace of their own, pod templates, and a stand-in for the
/// node service that reports pods Running and Ready through the status subresource, as a kubelet would.
/// </summary>
internal static class Workloads
{
    public static async Task<string> NewNamespaceAsync(Kubernetes client, string name)
    {
        await client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public static V1PodTemplateSpec Template(string app, string image = "kubeps/busybox:1") => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Command = ["sleep", "3600"] }] },
    };

    public static V1LabelSelector Selector(string app) => new() { MatchLabels = new Dictionary<string, string> { ["app"] = app } };

    public static async Task<List<V1Pod>> PodsAsync(Kubernetes client, string ns, string? labelSelector = null) =>
        (await client.ListNamespacedPodAsync(ns, labelSelector: labelSelector)).Items.ToList();

    /// <summary>Active pods: the ones a workload counts (not finished, not being deleted).</summary>
    public static async Task<List<V1Pod>> ActivePodsAsync(Kubernetes client, string ns, string? labelSelector = null) =>
        (await PodsAsync(client, ns, labelSelector)).Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();

    /// <summary>Waits until exactly <paramref name="count"/> active pods match.</summary>
    public static Task<List<V1Pod>> ActivePodsAsync(Kubernetes client, string ns, string labelSelector, int count, int seconds = 20) =>
        ApiIntegrationTests.Eventually(async () => await ActivePodsAsync(client, ns, labelSelector) is { } pods && pods.Count == count ? pods : null, seconds);

    /// <summary>Reports every pending, unfinished pod that matches as Running and Ready.</summary>
    public static async Task MarkReadyAsync(Kubernetes client, string ns, string labelSelector)
    {
        foreach (var pod in await ActivePodsAsync(client, ns, labelSelector))
        {
            if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
            {
                await SetPhaseAsync(client, pod, "Running", ready: true);
            }
        }
    }

    public static async Task SetPhaseAsync(Kubernetes client, V1Pod pod, string phase, bool ready = false, int exitCode = 0)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await client.ReadNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty);
            current.Status ??= new V1PodStatus();
            current.Status.Phase = phase;
            current.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = DateTime.UtcNow }];
            if (phase is "Succeeded" or "Failed")
            {
                current.Status.ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "main", Image = "kubeps/busybox:1", ImageID = "", Ready = false, RestartCount = 0,
                        State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = exitCode == 0 ? "Completed" : "Error" } },
                    },
                ];
            }

            try
            {
                await client.ReplaceNamespacedPodStatusAsync(current, current.Metadata.Name, current.Metadata.NamespaceProperty);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }
}
