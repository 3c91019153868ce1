using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>Where the local-path provisioner keeps the folders of the volumes it creates.</summary>
public sealed record LocalVolumeFolder(string Path);

/// <summary>
/// The persistent volume controller with a local provisioner, as a small cluster needs them: a
/// claim without a class gets the default StorageClass; a pending claim binds to a matching
/// Available volume (same class, enough capacity, its access modes) or, for the local-path class,
/// to a new hostPath volume in a folder of the engine's data; a volume whose claim is gone is
/// Released, and deleted with its folder when its reclaim policy is Delete.
/// </summary>
public sealed class PersistentVolumeBinder(ObjectService objects, LocalVolumeFolder folder, ILogger<PersistentVolumeBinder> logger) : BackgroundService
{
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var from = objects.Store.CurrentResourceVersion;
        using var claims = objects.Store.Watch(KindRegistry.PersistentVolumeClaim, null, from);
        using var volumes = objects.Store.Watch(KindRegistry.PersistentVolume, null, from);
        do
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Persistent volume pass failed; retrying");
            }
        }
        while (await ChangeSignal.WaitAsync([claims, volumes], ResyncInterval, stoppingToken));
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var classes = await ListAsync<V1StorageClass>(KindRegistry.StorageClass, cancellationToken);
        var claims = await ListAsync<V1PersistentVolumeClaim>(KindRegistry.PersistentVolumeClaim, cancellationToken);
        var volumes = await ListAsync<V1PersistentVolume>(KindRegistry.PersistentVolume, cancellationToken);
        var defaultClass = classes.FirstOrDefault(c => c.Metadata.Annotations?.TryGetValue(WellKnown.DefaultStorageClassAnnotation, out var d) == true && d == "true");

        foreach (var claim in claims.Where(c => c.Metadata.DeletionTimestamp is null && c.Status?.Phase != "Bound"))
        {
            await ConcurrentWrites.TolerateRaceAsync(() => BindAsync(claim, volumes, classes, defaultClass, cancellationToken));
        }

        var live = claims.ToDictionary(c => c.Metadata.Uid);
        foreach (var volume in volumes.Where(v => v.Spec.ClaimRef is { Uid.Length: > 0 } && v.Metadata.DeletionTimestamp is null))
        {
            if (!live.ContainsKey(volume.Spec.ClaimRef.Uid))
            {
                await ConcurrentWrites.TolerateRaceAsync(() => ReleaseAsync(volume, cancellationToken));
            }
        }
    }

    private async Task BindAsync(
        V1PersistentVolumeClaim claim, List<V1PersistentVolume> volumes, List<V1StorageClass> classes, V1StorageClass? defaultClass, CancellationToken cancellationToken)
    {
        if (claim.Spec.StorageClassName is null && defaultClass is not null)
        {
            claim.Spec.StorageClassName = defaultClass.Metadata.Name;
            claim = await UpdateAsync(KindRegistry.PersistentVolumeClaim, claim, null, cancellationToken);
        }

        var volume = claim.Spec.VolumeName is { Length: > 0 } named
            ? volumes.FirstOrDefault(v => v.Metadata.Name == named)
            : volumes.Where(v => Fits(v, claim)).OrderBy(v => Storage(v.Spec.Capacity)).FirstOrDefault();
        if (volume is null && classes.FirstOrDefault(c => c.Metadata.Name == claim.Spec.StorageClassName) is { Provisioner: WellKnown.LocalPathProvisioner } localPath)
        {
            volume = await ProvisionAsync(claim, localPath, cancellationToken);
        }

        if (volume is null)
        {
            return;
        }

        if (volume.Spec.ClaimRef?.Uid != claim.Metadata.Uid)
        {
            volume.Spec.ClaimRef = new V1ObjectReference
            {
                ApiVersion = "v1", Kind = "PersistentVolumeClaim", NamespaceProperty = claim.Metadata.NamespaceProperty,
                Name = claim.Metadata.Name, Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
            };
            volume = await UpdateAsync(KindRegistry.PersistentVolume, volume, null, cancellationToken);
        }

        volume.Status = new V1PersistentVolumeStatus { Phase = "Bound" };
        await UpdateAsync(KindRegistry.PersistentVolume, volume, "status", cancellationToken);

        claim.Spec.VolumeName = volume.Metadata.Name;
        claim.Metadata.Annotations ??= new Dictionary<string, string>();
        claim.Metadata.Annotations["pv.kubernetes.io/bind-completed"] = "yes";
        claim = await UpdateAsync(KindRegistry.PersistentVolumeClaim, claim, null, cancellationToken);
        claim.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound", Capacity = volume.Spec.Capacity, AccessModes = volume.Spec.AccessModes };
        await UpdateAsync(KindRegistry.PersistentVolumeClaim, claim, "status", cancellationToken);
        logger.LogInformation("Bound claim {Namespace}/{Claim} to volume {Volume}", claim.Metadata.NamespaceProperty, claim.Metadata.Name, volume.Metadata.Name);
    }

    // An Available volume of the claim's class, large enough, offering every access mode the claim asks for.
    private static bool Fits(V1PersistentVolume volume, V1PersistentVolumeClaim claim) =>
        volume.Spec.ClaimRef is null
        && volume.Status?.Phase is null or "Available" or "Pending"
        && (volume.Spec.StorageClassName ?? "") == (claim.Spec.StorageClassName ?? "")
        && Storage(volume.Spec.Capacity) >= Storage(claim.Spec.Resources?.Requests)
        && (claim.Spec.AccessModes ?? []).All(m => volume.Spec.AccessModes?.Contains(m) == true);

    private async Task<V1PersistentVolume> ProvisionAsync(V1PersistentVolumeClaim claim, V1StorageClass storageClass, CancellationToken cancellationToken)
    {
        var name = "pvc-" + claim.Metadata.Uid;
        var path = Path.Combine(folder.Path, $"{name}_{claim.Metadata.NamespaceProperty}_{claim.Metadata.Name}");
        var volume = new V1PersistentVolume
        {
            ApiVersion = "v1",
            Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta { Name = name, Annotations = new Dictionary<string, string> { ["pv.kubernetes.io/provisioned-by"] = storageClass.Provisioner } },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = claim.Spec.Resources?.Requests?.TryGetValue("storage", out var size) == true ? size : new ResourceQuantity("1Gi") },
                AccessModes = claim.Spec.AccessModes is { Count: > 0 } modes ? modes : ["ReadWriteOnce"],
                PersistentVolumeReclaimPolicy = storageClass.ReclaimPolicy ?? "Delete",
                StorageClassName = storageClass.Metadata.Name,
                HostPath = new V1HostPathVolumeSource { Path = path, Type = "DirectoryOrCreate" },
            },
        };
        logger.LogInformation("Provisioning volume {Volume} at {Path} for claim {Namespace}/{Claim}", name, path, claim.Metadata.NamespaceProperty, claim.Metadata.Name);
        var created = await objects.CreateAsync(KindRegistry.PersistentVolume, null, KubeJson.ToNode(volume), dryRun: false, cancellationToken);
        return KubeJson.ToTyped<V1PersistentVolume>(created);
    }

    private async Task ReleaseAsync(V1PersistentVolume volume, CancellationToken cancellationToken)
    {
        if (volume.Spec.PersistentVolumeReclaimPolicy == "Delete")
        {
            if (volume.Metadata.Annotations?.TryGetValue("pv.kubernetes.io/provisioned-by", out var provisioner) == true && provisioner == WellKnown.LocalPathProvisioner
                && volume.Spec.HostPath?.Path is { } path && path.StartsWith(folder.Path, StringComparison.Ordinal) && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }

            await objects.DeleteAsync(KindRegistry.PersistentVolume, null, volume.Metadata.Name, null, dryRun: false, cancellationToken);
            logger.LogInformation("Deleted volume {Volume}: its claim is gone", volume.Metadata.Name);
        }
        else if (volume.Status?.Phase != "Released")
        {
            volume.Status = new V1PersistentVolumeStatus { Phase = "Released" };
            await UpdateAsync(KindRegistry.PersistentVolume, volume, "status", cancellationToken);
        }
    }

    private static decimal Storage(IDictionary<string, ResourceQuantity>? resources) =>
        resources?.TryGetValue("storage", out var quantity) == true ? quantity.ToDecimal() : 0;

    private async Task<List<T>> ListAsync<T>(KindInfo kind, CancellationToken cancellationToken)
    {
        var list = await objects.ListAsync(kind, null, LabelSelector.Everything, FieldSelector.Everything, cancellationToken);
        return list.Items.Select(KubeJson.ToTyped<T>).ToList();
    }

    private async Task<T> UpdateAsync<T>(KindInfo kind, T obj, string? subresource, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var updated = await objects.UpdateAsync(kind, obj.Metadata.NamespaceProperty, obj.Metadata.Name, KubeJson.ToNode(obj), subresource, dryRun: false, cancellationToken);
        return KubeJson.ToTyped<T>(updated);
    }
}
