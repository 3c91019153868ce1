using k8s;
using k8s.Models;
using static KubePS.Engine.Tests.Api.Admission;

namespace KubePS.Engine.Tests.Api;

/// <summary>Creates that would take a ResourceQuota over its hard limits are refused, in Kubernetes' words.</summary>
public sealed class ResourceQuotaAdmissionTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task The_third_pod_of_a_two_pod_quota_is_refused_and_a_Deployment_reports_FailedCreate()
    {
        var ns = await NamespaceWithQuotaAsync("pods", "two-pods", Amounts(("pods", "2")));
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("p1"), ns);
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("p2"), ns);
        Assert.Equal(
            "pods \"p3\" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("p3"), ns)));

        await engine.Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = Pod("unused").Spec,
                },
            },
        }, ns);
        var failed = await ApiIntegrationTests.Eventually(async () =>
            (await engine.Client.CoreV1.ListNamespacedEventAsync(ns)).Items.FirstOrDefault(e => e.Reason == "FailedCreate"));
        Assert.Contains("exceeded quota: two-pods", failed.Message);
        Assert.Equal("ReplicaSet", failed.InvolvedObject.Kind);
    }

    [Fact]
    public async Task Compute_and_object_counts_are_summed_over_what_the_namespace_holds()
    {
        var ns = await NamespaceWithQuotaAsync("compute", "compute", Amounts(("requests.cpu", "1"), ("limits.memory", "1Gi"), ("count/configmaps", "1")));
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("a", cpu: "600m", memory: "512Mi"), ns);
        Assert.Equal(
            "pods \"b\" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("b", cpu: "600m", memory: "256Mi"), ns)));
        Assert.Equal(
            "pods \"c\" is forbidden: exceeded quota: compute, requested: limits.memory=768Mi, used: limits.memory=512Mi, limited: limits.memory=1Gi",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("c", cpu: "100m", memory: "768Mi"), ns)));
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("d", cpu: "400m", memory: "512Mi"), ns);

        await engine.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, ns);
        Assert.Equal(
            "configmaps \"two\" is forbidden: exceeded quota: compute, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two" } }, ns)));
    }

    [Fact]
    public async Task A_scoped_quota_counts_only_the_pods_its_scope_matches()
    {
        var ns = await NamespaceWithQuotaAsync("scopes", "best-effort", Amounts(("pods", "1")), ["BestEffort"]);
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("free"), ns);
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("sized", cpu: "100m", memory: "64Mi"), ns);
        Assert.Equal(
            "pods \"free-2\" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("free-2"), ns)));
    }

    [Fact]
    public async Task The_quota_status_shows_hard_and_used_amounts_as_objects_come_and_go()
    {
        var ns = await NamespaceWithQuotaAsync("status", "usage", Amounts(("pods", "5"), ("requests.memory", "1Gi")));
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("a", cpu: "100m", memory: "256Mi"), ns);
        await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("b", cpu: "100m", memory: "256Mi"), ns);
        await ApiIntegrationTests.Eventually(async () =>
            (await engine.Client.CoreV1.ReadNamespacedResourceQuotaAsync("usage", ns)).Status is { Used: { } used } status
            && used["pods"].ToString() == "2" && used["requests.memory"].ToString() == "512Mi" && status.Hard["pods"].ToString() == "5" ? status : null);

        await engine.Client.CoreV1.DeleteNamespacedPodAsync("a", ns, gracePeriodSeconds: 0);
        await ApiIntegrationTests.Eventually(async () =>
            (await engine.Client.CoreV1.ReadNamespacedResourceQuotaAsync("usage", ns)).Status?.Used is { } used
            && used["pods"].ToString() == "1" && used["requests.memory"].ToString() == "256Mi" ? used : null);
    }

    private async Task<string> NamespaceWithQuotaAsync(string prefix, string quota, Dictionary<string, ResourceQuantity> hard, List<string>? scopes = null)
    {
        var ns = $"{prefix}-{Guid.NewGuid():N}"[..20];
        await engine.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await engine.Client.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota { Metadata = new V1ObjectMeta { Name = quota }, Spec = new V1ResourceQuotaSpec { Hard = hard, Scopes = scopes } }, ns);
        return ns;
    }

    private static V1Pod Pod(string name, string? cpu = null, string? memory = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeSelector = new Dictionary<string, string> { ["kubeps-test"] = "nowhere" },
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = "kubeps/busybox:1",
                    Resources = cpu is null ? null : new V1ResourceRequirements
                    {
                        Requests = Amounts(("cpu", cpu), ("memory", memory!)),
                        Limits = Amounts(("cpu", cpu), ("memory", memory!)),
                    },
                },
            ],
        },
    };
}
