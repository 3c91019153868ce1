using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Engine.Controllers;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The eviction subresource and the disruption controller: PodDisruptionBudgets on a real engine.</summary>
public sealed class DisruptionTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    [Fact]
    public async Task An_eviction_the_budget_does_not_allow_is_refused_with_429_and_an_allowed_one_deletes_the_pod_and_takes_a_disruption()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "pdb");
        await ReadyPodAsync(ns, "db-0");
        await ReadyPodAsync(ns, "db-1");
        await Client.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 2, Selector = Workloads.Selector("db") },
        }, ns);
        await BudgetAsync(ns, b => b.Status?.ExpectedPods == 2 && b.Status.CurrentHealthy == 2 && b.Status.DisruptionsAllowed == 0);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => EvictAsync(ns, "db-1"));
        Assert.Equal((HttpStatusCode)429, refused.Response.StatusCode);
        Assert.Contains("violate the pod's disruption budget", refused.Response.Content);
        Assert.Null((await Client.ReadNamespacedPodAsync("db-1", ns)).Metadata.DeletionTimestamp);

        await ReadyPodAsync(ns, "db-2");
        await BudgetAsync(ns, b => b.Status?.DisruptionsAllowed == 1);
        await EvictAsync(ns, "db-1");
        Assert.NotNull((await Client.ReadNamespacedPodAsync("db-1", ns)).Metadata.DeletionTimestamp);
        await Assert.ThrowsAsync<HttpOperationException>(() => EvictAsync(ns, "db-2"));
        await BudgetAsync(ns, b => b.Status?.DisruptionsAllowed == 0 && b.Status.CurrentHealthy == 2 && b.Status.DisruptedPods is null);
    }

    [Theory]
    [InlineData("2", null, 3, 2)]
    [InlineData("50%", null, 3, 2)]
    [InlineData(null, "1", 3, 2)]
    [InlineData(null, "50%", 3, 1)]
    public void Desired_healthy_comes_from_min_available_or_max_unavailable_with_percentages_rounded_up(string? minAvailable, string? maxUnavailable, int pods, int desired)
    {
        var spec = new V1PodDisruptionBudgetSpec
        {
            MinAvailable = minAvailable is null ? null : int.TryParse(minAvailable, out var a) ? a : minAvailable,
            MaxUnavailable = maxUnavailable is null ? null : int.TryParse(maxUnavailable, out var b) ? b : maxUnavailable,
        };
        Assert.Equal(desired, DisruptionController.DesiredHealthy(spec, pods));
    }

    private Task EvictAsync(string ns, string name) =>
        Client.CreateNamespacedPodEvictionAsync(new V1Eviction { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } }, name, ns);

    private Task<V1PodDisruptionBudget> BudgetAsync(string ns, Func<V1PodDisruptionBudget, bool> condition) =>
        ApiIntegrationTests.Eventually(async () => await Client.ReadNamespacedPodDisruptionBudgetAsync("db", ns) is var b && condition(b) ? b : null, seconds: 10);

    private async Task ReadyPodAsync(string ns, string name)
    {
        await Client.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "db" } },
            Spec = new V1PodSpec { NodeName = "stand-in", Containers = [new V1Container { Name = "main", Image = "kubeps/busybox:1" }] },
        }, ns);
        await Workloads.SetPhaseAsync(Client, await Client.ReadNamespacedPodAsync(name, ns), "Running", ready: true);
    }
}
