using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets ReplicaSets, the revisions of Deployments among them.</summary>
/// <example><code>Get-KubeReplicaSet -LabelSelector app=web</code>Lists the ReplicaSets (revisions) of Deployment web.</example>
[Cmdlet(VerbsCommon.Get, "KubeReplicaSet", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1ReplicaSet))]
public sealed class GetKubeReplicaSetCommand : GetNamespacedKubeObjectCmdlet<V1ReplicaSet>
{
    protected override string Kind => "replicasets";

    protected override async Task<IList<V1ReplicaSet>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1ReplicaSet>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListReplicaSetForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1ReplicaSet> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedReplicaSetAsync(name, ns, cancellationToken: ct);
}

/// <summary>
/// Creates a ReplicaSet of one container, its pods labelled app=&lt;name&gt; unless -Labels says
/// otherwise. Deployments create and replace ReplicaSets themselves; a ReplicaSet of its own keeps a
/// number of pods without rollouts.
/// </summary>
/// <example><code>New-KubeReplicaSet workers kubeps/busybox:1 -Replicas 4 -Command sh,-c,'sleep 3600'</code>Keeps four pods running, without rollouts.</example>
[Cmdlet(VerbsCommon.New, "KubeReplicaSet", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1ReplicaSet))]
public sealed class NewKubeReplicaSetCommand : NewWorkloadCmdlet<V1ReplicaSet>
{
    /// <summary>How many pods to keep (default 1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Replicas { get; set; } = 1;

    protected override string KindLabel => "replicaset";

    protected override V1ReplicaSet BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = metadata,
        Spec = new V1ReplicaSetSpec { Replicas = Replicas, Selector = selector, Template = template },
    };

    protected override Task<V1ReplicaSet> CreateInAsync(string ns, V1ReplicaSet item, CancellationToken ct) =>
        Client.AppsV1.CreateNamespacedReplicaSetAsync(item, ns, cancellationToken: ct);
}

/// <summary>
/// Changes a ReplicaSet: its number of pods, or its template's image (which, unlike a Deployment's,
/// changes only the pods created from then on).
/// </summary>
/// <example><code>Set-KubeReplicaSet workers -Replicas 2</code>Scales ReplicaSet workers to two pods.</example>
[Cmdlet(VerbsCommon.Set, "KubeReplicaSet", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1ReplicaSet))]
public sealed class SetKubeReplicaSetCommand : SetWorkloadCmdlet<V1ReplicaSet>
{
    /// <summary>The new number of pods.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Replicas { get; set; }

    protected override string KindLabel => "replicaset";

    protected override V1PodTemplateSpec TemplateOf(V1ReplicaSet workload) => workload.Spec.Template;

    protected override void ChangeWorkload(V1ReplicaSet current)
    {
        if (Replicas is { } replicas)
        {
            current.Spec.Replicas = replicas;
        }
    }

    protected override Task<V1ReplicaSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedReplicaSetAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1ReplicaSet> ReplaceAsync(V1ReplicaSet item, CancellationToken ct) =>
        Client.AppsV1.ReplaceNamespacedReplicaSetAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes ReplicaSets, with their pods; a Deployment's ReplicaSet is made again by its Deployment.</summary>
/// <example><code>Remove-KubeReplicaSet workers -Wait</code>Removes ReplicaSet workers and its pods.</example>
[Cmdlet(VerbsCommon.Remove, "KubeReplicaSet", SupportsShouldProcess = true, HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1ReplicaSet))]
public sealed class RemoveKubeReplicaSetCommand : RemoveNamespacedKubeObjectCmdlet<V1ReplicaSet>
{
    protected override string KindLabel => "replicaset";

    protected override async Task<V1ReplicaSet?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.AppsV1.DeleteNamespacedReplicaSetAsync(name, EffectiveNamespace, propagationPolicy: "Background", cancellationToken: ct);
        return null;
    }

    protected override Task<V1ReplicaSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedReplicaSetAsync(name, EffectiveNamespace, cancellationToken: ct);
}
