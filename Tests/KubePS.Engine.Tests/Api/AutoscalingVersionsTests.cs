using k8s;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>HorizontalPodAutoscalers are stored once and served as autoscaling/v2 and autoscaling/v1.</summary>
public sealed class AutoscalingVersionsTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task An_autoscaler_created_as_v1_reads_as_v2_with_its_cpu_target_and_back()
    {
        var created = await engine.Client.AutoscalingV1.CreateNamespacedHorizontalPodAutoscalerAsync(new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V1CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MinReplicas = 2,
                MaxReplicas = 5,
                TargetCPUUtilizationPercentage = 60,
            },
        }, "default");
        Assert.Equal("autoscaling/v1", created.ApiVersion);
        Assert.Equal(60, created.Spec.TargetCPUUtilizationPercentage);

        var v2 = await engine.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", "default");
        var metric = Assert.Single(v2.Spec.Metrics);
        Assert.Equal(("cpu", "Utilization", 60), (metric.Resource.Name, metric.Resource.Target.Type, metric.Resource.Target.AverageUtilization));
        Assert.Equal(5, v2.Spec.MaxReplicas);

        v2.Spec.Metrics[0].Resource.Target.AverageUtilization = 75;
        await engine.Client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerAsync(v2, "web", "default");
        var v1List = await engine.Client.AutoscalingV1.ListNamespacedHorizontalPodAutoscalerAsync("default");
        Assert.Equal("autoscaling/v1", v1List.ApiVersion);
        Assert.Equal(75, Assert.Single(v1List.Items).Spec.TargetCPUUtilizationPercentage);

        var patch = new V1Patch("{\"spec\":{\"maxReplicas\":9}}", V1Patch.PatchType.MergePatch);
        var patched = await engine.Client.AutoscalingV1.PatchNamespacedHorizontalPodAutoscalerAsync(patch, "web", "default");
        Assert.Equal(9, patched.Spec.MaxReplicas);
        Assert.Equal(9, (await engine.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", "default")).Spec.MaxReplicas);
    }

    [Fact]
    public async Task Discovery_lists_both_autoscaling_versions()
    {
        var group = Assert.Single((await engine.Client.Apis.GetAPIVersionsAsync()).Groups, g => g.Name == "autoscaling");
        Assert.Equal(["v2", "v1"], group.Versions.Select(v => v.Version));
        Assert.Equal("v2", group.PreferredVersion.Version);
        var v1 = await engine.Client.AutoscalingV1.GetAPIResourcesAsync();
        Assert.Contains(v1.Resources, r => r.Name == "horizontalpodautoscalers");
    }
}
