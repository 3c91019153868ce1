using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets PersistentVolumeClaims.</summary>
/// <example><code>Get-KubePersistentVolumeClaim -AllNamespaces</code>Lists every claim and the volume bound to it.</example>
[Cmdlet(VerbsCommon.Get, "KubePersistentVolumeClaim", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.PersistentVolumeClaim)]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class GetKubePersistentVolumeClaimCommand : GetNamespacedKubeObjectCmdlet<V1PersistentVolumeClaim>
{
    protected override string Kind => "persistentvolumeclaims";

    protected override async Task<IList<V1PersistentVolumeClaim>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1PersistentVolumeClaim>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1PersistentVolumeClaim> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a PersistentVolumeClaim; without -StorageClass the cluster's default class provisions it.</summary>
/// <example><code>New-KubePersistentVolumeClaim data -Size 1Gi</code>Claims 1 GiB; the default storage class provisions it.</example>
[Cmdlet(VerbsCommon.New, "KubePersistentVolumeClaim", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.PersistentVolumeClaim)]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class NewKubePersistentVolumeClaimCommand : NewNamespacedKubeObjectCmdlet<V1PersistentVolumeClaim>
{
    /// <summary>The storage asked for, as a Kubernetes quantity: 1Gi, 500Mi.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Size { get; set; } = "";

    /// <summary>The StorageClass; the default one when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StorageClass { get; set; }

    /// <summary>How the volume may be mounted (default ReadWriteOnce).</summary>
    [Parameter]
    [ValidateSet("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")]
    public string[] AccessMode { get; set; } = ["ReadWriteOnce"];

    protected override string KindLabel => "persistentvolumeclaim";

    protected override V1PersistentVolumeClaim BuildIn(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = metadata,
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = StorageClass,
            AccessModes = AccessMode,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(Size) } },
        },
    };

    protected override Task<V1PersistentVolumeClaim> CreateInAsync(string ns, V1PersistentVolumeClaim item, CancellationToken ct) =>
        Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a PersistentVolumeClaim's labels, or replaces it with -InputObject.</summary>
/// <example><code>Set-KubePersistentVolumeClaim data -Labels @{ app = 'db' }</code>Relabels a claim.</example>
[Cmdlet(VerbsCommon.Set, "KubePersistentVolumeClaim", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.PersistentVolumeClaim)]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class SetKubePersistentVolumeClaimCommand : SetNamespacedKubeObjectCmdlet<V1PersistentVolumeClaim>
{
    protected override string KindLabel => "persistentvolumeclaim";

    protected override void Change(V1PersistentVolumeClaim current)
    {
    }

    protected override Task<V1PersistentVolumeClaim> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1PersistentVolumeClaim> ReplaceAsync(V1PersistentVolumeClaim item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes PersistentVolumeClaims; a volume the default class provisioned goes with its claim.</summary>
/// <example><code>Remove-KubePersistentVolumeClaim data</code>Removes a claim; a volume its class provisioned goes with it.</example>
[Cmdlet(VerbsCommon.Remove, "KubePersistentVolumeClaim", SupportsShouldProcess = true, HelpUri = HelpLinks.PersistentVolumeClaim)]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class RemoveKubePersistentVolumeClaimCommand : RemoveNamespacedKubeObjectCmdlet<V1PersistentVolumeClaim>
{
    protected override string KindLabel => "persistentvolumeclaim";

    protected override async Task<V1PersistentVolumeClaim?> DeleteAsync(string name, CancellationToken ct) =>
        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1PersistentVolumeClaim> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Gets PersistentVolumes.</summary>
/// <example><code>Get-KubePersistentVolume</code>Lists the volumes with capacity, status and claim.</example>
[Cmdlet(VerbsCommon.Get, "KubePersistentVolume", HelpUri = HelpLinks.PersistentVolume)]
[OutputType(typeof(V1PersistentVolume))]
public sealed class GetKubePersistentVolumeCommand : GetKubeObjectCmdlet<V1PersistentVolume>
{
    protected override async Task<IList<V1PersistentVolume>> ListAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListPersistentVolumeAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1PersistentVolume> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: ct);
}

/// <summary>Creates a PersistentVolume backed by a folder of the node (hostPath).</summary>
/// <example><code>New-KubePersistentVolume data-1 -Size 10Gi -HostPath /srv/data-1</code>Creates a volume on a node's folder.</example>
[Cmdlet(VerbsCommon.New, "KubePersistentVolume", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.PersistentVolume)]
[OutputType(typeof(V1PersistentVolume))]
public sealed class NewKubePersistentVolumeCommand : NewKubeObjectCmdlet<V1PersistentVolume>
{
    /// <summary>The capacity, as a Kubernetes quantity: 10Gi.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Size { get; set; } = "";

    /// <summary>The folder on the node that holds the data; created when first mounted.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters)]
    [ValidateNotNullOrEmpty]
    public string HostPath { get; set; } = "";

    /// <summary>The StorageClass claims must ask for to get this volume ("" for claims without a class).</summary>
    [Parameter]
    public string StorageClass { get; set; } = "";

    /// <summary>How the volume may be mounted (default ReadWriteOnce).</summary>
    [Parameter]
    [ValidateSet("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")]
    public string[] AccessMode { get; set; } = ["ReadWriteOnce"];

    /// <summary>What happens when its claim goes: Retain (default) keeps it Released, Delete removes it.</summary>
    [Parameter]
    [ValidateSet("Retain", "Delete")]
    public string ReclaimPolicy { get; set; } = "Retain";

    protected override string Target => $"persistentvolume {Name}";

    protected override V1PersistentVolume Build(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolume",
        Metadata = metadata,
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(Size) },
            AccessModes = AccessMode,
            PersistentVolumeReclaimPolicy = ReclaimPolicy,
            StorageClassName = StorageClass,
            HostPath = new V1HostPathVolumeSource { Path = HostPath, Type = "DirectoryOrCreate" },
        },
    };

    protected override Task<V1PersistentVolume> CreateAsync(V1PersistentVolume item, CancellationToken ct) =>
        Client.CoreV1.CreatePersistentVolumeAsync(item, cancellationToken: ct);
}

/// <summary>Changes a PersistentVolume's labels, or replaces it with -InputObject.</summary>
/// <example><code>Set-KubePersistentVolume data-1 -Labels @{ tier = 'fast' }</code>Relabels a volume.</example>
[Cmdlet(VerbsCommon.Set, "KubePersistentVolume", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.PersistentVolume)]
[OutputType(typeof(V1PersistentVolume))]
public sealed class SetKubePersistentVolumeCommand : SetKubeObjectCmdlet<V1PersistentVolume>
{
    protected override string TargetOf(string name) => $"persistentvolume {name}";

    protected override void Change(V1PersistentVolume current)
    {
    }

    protected override Task<V1PersistentVolume> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: ct);

    protected override Task<V1PersistentVolume> ReplaceAsync(V1PersistentVolume item, CancellationToken ct) =>
        Client.CoreV1.ReplacePersistentVolumeAsync(item, item.Metadata.Name, cancellationToken: ct);
}

/// <summary>Deletes PersistentVolumes.</summary>
/// <example><code>Remove-KubePersistentVolume data-1</code>Removes a volume.</example>
[Cmdlet(VerbsCommon.Remove, "KubePersistentVolume", SupportsShouldProcess = true, HelpUri = HelpLinks.PersistentVolume)]
[OutputType(typeof(V1PersistentVolume))]
public sealed class RemoveKubePersistentVolumeCommand : RemoveKubeObjectCmdlet<V1PersistentVolume>
{
    protected override string TargetOf(string name) => $"persistentvolume {name}";

    protected override async Task<V1PersistentVolume?> DeleteAsync(string name, CancellationToken ct) =>
        await Client.CoreV1.DeletePersistentVolumeAsync(name, cancellationToken: ct);

    protected override Task<V1PersistentVolume> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: ct);
}
