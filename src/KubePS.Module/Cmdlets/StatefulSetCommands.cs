using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets StatefulSets.</summary>
/// <example><code>Get-KubeStatefulSet db</code>Shows StatefulSet db and how many of its pods are ready.</example>
[Cmdlet(VerbsCommon.Get, "KubeStatefulSet", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1StatefulSet))]
public sealed class GetKubeStatefulSetCommand : GetNamespacedKubeObjectCmdlet<V1StatefulSet>
{
    protected override string Kind => "statefulsets";

    protected override async Task<IList<V1StatefulSet>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1StatefulSet>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListStatefulSetForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1StatefulSet> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct);
}

/// <summary>
/// Creates a StatefulSet: pods &lt;name&gt;-0, -1, ... started in order, each with its own
/// PersistentVolumeClaim "data" of -Storage mounted at -MountPath when -Storage is given.
/// </summary>
/// <example><code>New-KubeStatefulSet db kubeps/busybox:1 -Replicas 3 -Storage 1Gi -MountPath /data -Command sh,-c,'sleep 3600'</code>Creates db-0..db-2, each with a claim of its own.</example>
[Cmdlet(VerbsCommon.New, "KubeStatefulSet", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1StatefulSet))]
public sealed class NewKubeStatefulSetCommand : NewWorkloadCmdlet<V1StatefulSet>
{
    /// <summary>How many pods to run (default 1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Replicas { get; set; } = 1;

    /// <summary>The headless Service that names the pods in DNS; the StatefulSet's name by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServiceName { get; set; }

    /// <summary>The size of each pod's own volume, e.g. 1Gi; without it the pods have none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Storage { get; set; }

    /// <summary>Where each pod's volume is mounted (default /data).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string MountPath { get; set; } = "/data";

    /// <summary>Parallel starts and stops all pods at once instead of one by one in order.</summary>
    [Parameter]
    public SwitchParameter Parallel { get; set; }

    protected override string KindLabel => "statefulset";

    protected override V1StatefulSet BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template)
    {
        List<V1PersistentVolumeClaim>? claims = null;
        if (Storage is not null)
        {
            template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = MountPath }];
            claims =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data" },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(Storage) } },
                    },
                },
            ];
        }

        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = metadata,
            Spec = new V1StatefulSetSpec
            {
                Replicas = Replicas,
                ServiceName = ServiceName ?? Name,
                PodManagementPolicy = Parallel ? "Parallel" : "OrderedReady",
                Selector = selector,
                Template = template,
                VolumeClaimTemplates = claims,
            },
        };
    }

    protected override Task<V1StatefulSet> CreateInAsync(string ns, V1StatefulSet item, CancellationToken ct) =>
        Client.AppsV1.CreateNamespacedStatefulSetAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a StatefulSet: its replicas, a container's image (rolled out from the highest ordinal down to -Partition).</summary>
/// <example><code>Set-KubeStatefulSet db -Image kubeps/busybox:2 -Partition 2</code>Rolls only db-2 and above to the new image.</example>
[Cmdlet(VerbsCommon.Set, "KubeStatefulSet", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1StatefulSet))]
public sealed class SetKubeStatefulSetCommand : SetWorkloadCmdlet<V1StatefulSet>
{
    /// <summary>The new number of pods.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Replicas { get; set; }

    /// <summary>Pods with a lower ordinal keep the old template during a rolling update.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Partition { get; set; }

    protected override string KindLabel => "statefulset";

    protected override V1PodTemplateSpec TemplateOf(V1StatefulSet workload) => workload.Spec.Template;

    protected override void ChangeWorkload(V1StatefulSet current)
    {
        if (Replicas is { } replicas)
        {
            current.Spec.Replicas = replicas;
        }

        if (Partition is { } partition)
        {
            current.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = partition },
            };
        }
    }

    protected override Task<V1StatefulSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedStatefulSetAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1StatefulSet> ReplaceAsync(V1StatefulSet item, CancellationToken ct) =>
        Client.AppsV1.ReplaceNamespacedStatefulSetAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes StatefulSets and their pods; the pods' claims stay, with their data.</summary>
/// <example><code>Remove-KubeStatefulSet db -Wait</code>Removes StatefulSet db and its pods; its claims stay.</example>
[Cmdlet(VerbsCommon.Remove, "KubeStatefulSet", SupportsShouldProcess = true, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1StatefulSet))]
public sealed class RemoveKubeStatefulSetCommand : RemoveNamespacedKubeObjectCmdlet<V1StatefulSet>
{
    protected override string KindLabel => "statefulset";

    protected override async Task<V1StatefulSet?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.AppsV1.DeleteNamespacedStatefulSetAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1StatefulSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedStatefulSetAsync(name, EffectiveNamespace, cancellationToken: ct);
}
