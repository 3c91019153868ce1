using System.Collections;
using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets DaemonSets.</summary>
/// <example><code>Get-KubeDaemonSet -Namespace kube-system</code>Lists the DaemonSets of kube-system with desired, ready and available pods.</example>
[Cmdlet(VerbsCommon.Get, "KubeDaemonSet", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1DaemonSet))]
public sealed class GetKubeDaemonSetCommand : GetNamespacedKubeObjectCmdlet<V1DaemonSet>
{
    protected override string Kind => "daemonsets";

    protected override async Task<IList<V1DaemonSet>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListNamespacedDaemonSetAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1DaemonSet>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListDaemonSetForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1DaemonSet> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDaemonSetAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a DaemonSet: one pod on every node, or on the nodes whose labels match -NodeSelector.</summary>
/// <example><code>New-KubeDaemonSet agent kubeps/busybox:1 -Command sh,-c,'sleep 3600' -NodeSelector @{ role = 'worker' }</code>Runs one agent pod on each worker node.</example>
[Cmdlet(VerbsCommon.New, "KubeDaemonSet", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1DaemonSet))]
public sealed class NewKubeDaemonSetCommand : NewWorkloadCmdlet<V1DaemonSet>
{
    /// <summary>Node labels a node must have to run the pod, e.g. @{ disk = 'ssd' }.</summary>
    [Parameter]
    public Hashtable? NodeSelector { get; set; }

    protected override string KindLabel => "daemonset";

    protected override V1DaemonSet BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template)
    {
        template.Spec.NodeSelector = NodeSelector is null ? null : Values.Strings(NodeSelector);
        return new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = metadata,
            Spec = new V1DaemonSetSpec { Selector = selector, Template = template },
        };
    }

    protected override Task<V1DaemonSet> CreateInAsync(string ns, V1DaemonSet item, CancellationToken ct) =>
        Client.AppsV1.CreateNamespacedDaemonSetAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a DaemonSet's image, rolled out node by node.</summary>
/// <example><code>Set-KubeDaemonSet agent -Image kubeps/busybox:2</code>Rolls DaemonSet agent to a new image.</example>
[Cmdlet(VerbsCommon.Set, "KubeDaemonSet", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1DaemonSet))]
public sealed class SetKubeDaemonSetCommand : SetWorkloadCmdlet<V1DaemonSet>
{
    protected override string KindLabel => "daemonset";

    protected override V1PodTemplateSpec TemplateOf(V1DaemonSet workload) => workload.Spec.Template;

    protected override Task<V1DaemonSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDaemonSetAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1DaemonSet> ReplaceAsync(V1DaemonSet item, CancellationToken ct) =>
        Client.AppsV1.ReplaceNamespacedDaemonSetAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes DaemonSets and their pods.</summary>
/// <example><code>Remove-KubeDaemonSet agent -Wait</code>Removes DaemonSet agent and waits until it is gone.</example>
[Cmdlet(VerbsCommon.Remove, "KubeDaemonSet", SupportsShouldProcess = true, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1DaemonSet))]
public sealed class RemoveKubeDaemonSetCommand : RemoveNamespacedKubeObjectCmdlet<V1DaemonSet>
{
    protected override string KindLabel => "daemonset";

    protected override async Task<V1DaemonSet?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.AppsV1.DeleteNamespacedDaemonSetAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1DaemonSet> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDaemonSetAsync(name, EffectiveNamespace, cancellationToken: ct);
}
