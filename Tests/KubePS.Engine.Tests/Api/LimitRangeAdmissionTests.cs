using k8s;
using k8s.Models;
using static KubePS.Engine.Tests.Api.Admission;

namespace KubePS.Engine.Tests.Api;

/// <summary>LimitRanges fill in container defaults and refuse pods and claims outside their bounds, in Kubernetes' words.</summary>
public sealed class LimitRangeAdmissionTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task A_container_without_resources_gets_the_defaults_and_a_limit_the_user_gave_stays_its_request()
    {
        var ns = await NamespaceWithLimitsAsync("defaults", new V1LimitRangeItem
        {
            Type = "Container",
            DefaultProperty = Amounts(("cpu", "500m"), ("memory", "256Mi")),
            DefaultRequest = Amounts(("cpu", "100m")),
        });

        var plain = await engine.Client.CoreV1.CreateNamespacedPodAsync(Pod("plain"), ns);
        var resources = plain.Spec.Containers[0].Resources;
        Assert.Equal("500m", resources.Limits["cpu"].ToString());
        Assert.Equal("256Mi", resources.Limits["memory"].ToString());
        Assert.Equal("100m", resources.Requests["cpu"].ToString());
        Assert.Equal("256Mi", resources.Requests["memory"].ToString());

        var own = Pod("own");
        own.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = Amounts(("cpu", "1")) };
        var stored = (await engine.Client.CoreV1.CreateNamespacedPodAsync(own, ns)).Spec.Containers[0].Resources;
        Assert.Equal("1", stored.Limits["cpu"].ToString());
        Assert.Equal("1", stored.Requests["cpu"].ToString());
        Assert.Equal("256Mi", stored.Limits["memory"].ToString());
    }

    [Fact]
    public async Task Pods_outside_the_bounds_are_forbidden_with_Kubernetes_messages()
    {
        var ns = await NamespaceWithLimitsAsync("bounds", new V1LimitRangeItem
        {
            Type = "Container",
            Max = Amounts(("cpu", "2")),
            Min = Amounts(("memory", "64Mi")),
            MaxLimitRequestRatio = Amounts(("cpu", "2")),
        });

        var big = Pod("big");
        big.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = Amounts(("cpu", "3")), Requests = Amounts(("cpu", "2"), ("memory", "128Mi")) };
        Assert.Equal(
            "pods \"big\" is forbidden: maximum cpu usage per Container is 2, but limit is 3",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(big, ns)));

        var small = Pod("small");
        small.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = Amounts(("cpu", "1")), Requests = Amounts(("cpu", "100m"), ("memory", "32Mi")) };
        Assert.Equal(
            "pods \"small\" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000]",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPodAsync(small, ns)));

        var fits = Pod("fits");
        fits.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = Amounts(("cpu", "1")), Requests = Amounts(("cpu", "500m"), ("memory", "64Mi")) };
        await engine.Client.CoreV1.CreateNamespacedPodAsync(fits, ns);
    }

    [Fact]
    public async Task A_claim_larger_than_the_maximum_is_forbidden()
    {
        var ns = await NamespaceWithLimitsAsync("claims", new V1LimitRangeItem { Type = "PersistentVolumeClaim", Max = Amounts(("storage", "1Gi")) });
        var claim = new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = Amounts(("storage", "2Gi")) },
            },
        };
        Assert.Equal(
            "persistentvolumeclaims \"data\" is forbidden: maximum storage usage per PersistentVolumeClaim is 1Gi, but request is 2Gi",
            await RefusedAsync(() => engine.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, ns)));
    }

    private async Task<string> NamespaceWithLimitsAsync(string prefix, V1LimitRangeItem item)
    {
        var ns = $"{prefix}-{Guid.NewGuid():N}"[..20];
        await engine.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await engine.Client.CoreV1.CreateNamespacedLimitRangeAsync(
            new V1LimitRange { Metadata = new V1ObjectMeta { Name = "limits" }, Spec = new V1LimitRangeSpec { Limits = [item] } }, ns);
        return ns;
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "kubeps/busybox:1" }] },
    };
}
