using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>propagationPolicy and the garbage collector, with ConfigMaps owning ConfigMaps.</summary>
public sealed class PropagationTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private async Task<V1ConfigMap> OwnerWithDependentsAsync(string owner, params string[] dependents)
    {
        var created = await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = owner } }, "default");
        foreach (var dependent in dependents)
        {
            await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = dependent,
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner, Uid = created.Metadata.Uid, Controller = true }],
                },
            }, "default");
        }

        return created;
    }

    private async Task<bool> ExistsAsync(string name)
    {
        try
        {
            await Client.ReadNamespacedConfigMapAsync(name, "default");
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task Background_deletion_removes_the_owner_at_once_and_its_dependents_soon_after()
    {
        await OwnerWithDependentsAsync("bg-owner", "bg-child-1", "bg-child-2");

        await Client.DeleteNamespacedConfigMapAsync("bg-owner", "default", propagationPolicy: "Background");

        Assert.False(await ExistsAsync("bg-owner"));
        await ApiIntegrationTests.Eventually(async () => !await ExistsAsync("bg-child-1") && !await ExistsAsync("bg-child-2") ? "gone" : null);
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_its_dependents_are_gone()
    {
        await OwnerWithDependentsAsync("fg-owner", "fg-child");

        await Client.DeleteNamespacedConfigMapAsync("fg-owner", "default", propagationPolicy: "Foreground");

        var owner = await Client.ReadNamespacedConfigMapAsync("fg-owner", "default");
        Assert.NotNull(owner.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", owner.Metadata.Finalizers);
        await ApiIntegrationTests.Eventually(async () => !await ExistsAsync("fg-owner") && !await ExistsAsync("fg-child") ? "gone" : null);
    }

    [Fact]
    public async Task Orphan_deletion_keeps_the_dependents_without_their_owner_reference()
    {
        await OwnerWithDependentsAsync("or-owner", "or-child");

        await Client.DeleteNamespacedConfigMapAsync("or-owner", "default", propagationPolicy: "Orphan");

        await ApiIntegrationTests.Eventually(async () => !await ExistsAsync("or-owner") ? "gone" : null);
        var child = await Client.ReadNamespacedConfigMapAsync("or-child", "default");
        Assert.True(child.Metadata.OwnerReferences is null or { Count: 0 });
        await Task.Delay(2500);
        Assert.True(await ExistsAsync("or-child"));
    }

    [Fact]
    public async Task An_unknown_propagationPolicy_is_refused()
    {
        await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "policy-typo" } }, "default");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.DeleteNamespacedConfigMapAsync("policy-typo", "default", propagationPolicy: "Sideways"));
        Assert.Equal((HttpStatusCode)422, e.Response.StatusCode);
        Assert.True(await ExistsAsync("policy-typo"));
    }
}
