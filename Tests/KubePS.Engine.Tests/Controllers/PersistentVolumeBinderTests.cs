using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>The default StorageClass, the local-path provisioner and the binder, on a real engine.</summary>
public sealed class PersistentVolumeBinderTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1PersistentVolumeClaim Claim(string name, string? storageClass, string size = "1Gi") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = storageClass,
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    private async Task<V1PersistentVolumeClaim> BoundAsync(string name) =>
        await ApiIntegrationTests.Eventually(async () =>
        {
            var claim = await Client.ReadNamespacedPersistentVolumeClaimAsync(name, "default");
            return claim.Status?.Phase == "Bound" ? claim : null;
        });

    private async Task<bool> VolumeExistsAsync(string name)
    {
        try
        {
            await Client.ReadPersistentVolumeAsync(name);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_cluster_starts_with_a_default_local_path_StorageClass()
    {
        var storageClass = await Client.ReadStorageClassAsync("local-path");
        Assert.Equal("true", storageClass.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"]);
        Assert.Equal("kubeps.io/local-path", storageClass.Provisioner);
    }

    [Fact]
    public async Task A_claim_without_a_class_gets_the_default_one_and_a_new_host_folder_volume_and_loses_it_with_the_claim()
    {
        await Client.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", null, "2Gi"), "default");

        var claim = await BoundAsync("data");
        Assert.Equal("local-path", claim.Spec.StorageClassName);
        Assert.Equal("2Gi", claim.Status.Capacity["storage"].ToString());
        var volume = await Client.ReadPersistentVolumeAsync(claim.Spec.VolumeName);
        Assert.Equal("Bound", volume.Status.Phase);
        Assert.Equal(claim.Metadata.Uid, volume.Spec.ClaimRef.Uid);
        Assert.StartsWith(Path.Combine(engine.DataPath, "volumes"), volume.Spec.HostPath.Path);
        Assert.Equal("Delete", volume.Spec.PersistentVolumeReclaimPolicy);

        await Client.DeleteNamespacedPersistentVolumeClaimAsync("data", "default");
        await ApiIntegrationTests.Eventually(async () => await VolumeExistsAsync(volume.Metadata.Name) ? null : "gone");
    }

    [Fact]
    public async Task A_claim_binds_to_a_matching_available_volume_which_is_Released_when_the_claim_goes()
    {
        await Client.CreatePersistentVolumeAsync(new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = "manual-small" },
            Spec = new V1PersistentVolumeSpec
            {
                StorageClassName = "manual", AccessModes = ["ReadWriteOnce"], PersistentVolumeReclaimPolicy = "Retain",
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                HostPath = new V1HostPathVolumeSource { Path = "/tmp/kubeps-manual-small" },
            },
        });
        await Client.CreatePersistentVolumeAsync(new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = "manual-large" },
            Spec = new V1PersistentVolumeSpec
            {
                StorageClassName = "manual", AccessModes = ["ReadWriteOnce"], PersistentVolumeReclaimPolicy = "Retain",
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") },
                HostPath = new V1HostPathVolumeSource { Path = "/tmp/kubeps-manual-large" },
            },
        });

        await Client.CreateNamespacedPersistentVolumeClaimAsync(Claim("wants-5", "manual", "5Gi"), "default");

        var claim = await BoundAsync("wants-5");
        Assert.Equal("manual-large", claim.Spec.VolumeName);
        Assert.Null((await Client.ReadPersistentVolumeAsync("manual-small")).Spec.ClaimRef);

        await Client.DeleteNamespacedPersistentVolumeClaimAsync("wants-5", "default");
        var released = await ApiIntegrationTests.Eventually(async () =>
        {
            var volume = await Client.ReadPersistentVolumeAsync("manual-large");
            return volume.Status?.Phase == "Released" ? volume : null;
        });
        Assert.Equal("Retain", released.Spec.PersistentVolumeReclaimPolicy);
    }

    [Fact]
    public async Task A_claim_that_nothing_fits_stays_Pending()
    {
        await Client.CreateNamespacedPersistentVolumeClaimAsync(Claim("nothing-fits", "no-such-class"), "default");
        await Task.Delay(1500);
        Assert.Equal("Pending", (await Client.ReadNamespacedPersistentVolumeClaimAsync("nothing-fits", "default")).Status.Phase);
    }
}
