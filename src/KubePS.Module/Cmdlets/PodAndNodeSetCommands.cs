using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Changes a running pod where Kubernetes allows it: its labels (which moves it in or out of
/// Services and controllers), or a container's image (the node restarts that container with it).
/// </summary>
/// <example><code>Set-KubePod web-0 -Labels @{ app = 'web'; debug = 'true' }</code>Relabels a pod.</example>
[Cmdlet(VerbsCommon.Set, "KubePod", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.GetKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class SetKubePodCommand : SetNamespacedKubeObjectCmdlet<V1Pod>
{
    /// <summary>The new image of the container named by -Container (or of the only container).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    /// <summary>Which container -Image changes, when the pod has several.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ContainerCompleter))]
    public string? Container { get; set; }

    protected override string KindLabel => "pod";

    protected override void Change(V1Pod current)
    {
        if (Image is not null)
        {
            SetWorkloadCmdlet<V1Pod>.SetImage(current.Spec, Image, Container);
        }
    }

    protected override Task<V1Pod> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedPodAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Pod> ReplaceAsync(V1Pod item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedPodAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Changes a namespace's labels (which PodSecurity and network policies read).</summary>
/// <example><code>Set-KubeNamespace shop -Labels @{ team = 'payments' }</code>Replaces the labels of namespace shop.</example>
[Cmdlet(VerbsCommon.Set, "KubeNamespace", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.GetKubeNamespace)]
[OutputType(typeof(V1Namespace))]
public sealed class SetKubeNamespaceCommand : SetKubeObjectCmdlet<V1Namespace>
{
    protected override string TargetOf(string name) => Messages.NamespaceTarget(name);

    protected override void Change(V1Namespace current)
    {
    }

    protected override Task<V1Namespace> ReadAsync(string name, CancellationToken ct) => Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: ct);

    protected override Task<V1Namespace> ReplaceAsync(V1Namespace item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespaceAsync(item, item.Metadata.Name, cancellationToken: ct);
}

/// <summary>
/// Changes a node: its labels (which nodeSelector and node affinity match) and its taints, given as
/// kubectl writes them: key=value:Effect or key:Effect, Effect one of NoSchedule, PreferNoSchedule,
/// NoExecute. Suspend-KubeNode and Resume-KubeNode cordon and uncordon.
/// </summary>
/// <example><code>Set-KubeNode node-1 -Taint 'gpu=true:NoSchedule'</code>Lets only pods that tolerate gpu=true onto node-1.</example>
[Cmdlet(VerbsCommon.Set, "KubeNode", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.GetKubeNode)]
[OutputType(typeof(V1Node))]
public sealed class SetKubeNodeCommand : SetKubeObjectCmdlet<V1Node>
{
    /// <summary>The node's taints, replacing the ones it has; an empty array removes them all.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? Taint { get; set; }

    protected override string TargetOf(string name) => $"node {name}";

    protected override void Change(V1Node current)
    {
        if (Taint is not null)
        {
            current.Spec ??= new V1NodeSpec();
            current.Spec.Taints = Taint.Length == 0 ? null : Taint.Select(ParseTaint).ToList();
        }
    }

    private static V1Taint ParseTaint(string text)
    {
        var colon = text.LastIndexOf(':');
        var effect = colon < 0 ? "" : text[(colon + 1)..];
        if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
        {
            throw new Errors.KubeException(Messages.InvalidTaint(text), null, Errors.ErrorIds.Invalid, ErrorCategory.InvalidArgument);
        }

        var keyValue = text[..colon].Split('=', 2);
        return new V1Taint { Key = keyValue[0], Value = keyValue.Length > 1 ? keyValue[1] : null, Effect = effect };
    }

    protected override Task<V1Node> ReadAsync(string name, CancellationToken ct) => Client.CoreV1.ReadNodeAsync(name, cancellationToken: ct);

    protected override Task<V1Node> ReplaceAsync(V1Node item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNodeAsync(item, item.Metadata.Name, cancellationToken: ct);
}

/// <summary>
/// Registers a Node object ahead of its node service, e.g. with labels and taints the scheduler
/// should see from the start; it stays NotReady until a node service of that name heartbeats.
/// </summary>
/// <example><code>New-KubeNode edge-1 -Labels @{ zone = 'edge' }</code>Registers node edge-1.</example>
[Cmdlet(VerbsCommon.New, "KubeNode", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.GetKubeNode)]
[OutputType(typeof(V1Node))]
public sealed class NewKubeNodeCommand : NewKubeObjectCmdlet<V1Node>
{
    protected override string Target => $"node {Name}";

    protected override V1Node Build(V1ObjectMeta metadata) => new() { ApiVersion = "v1", Kind = "Node", Metadata = metadata, Spec = new V1NodeSpec() };

    protected override Task<V1Node> CreateAsync(V1Node item, CancellationToken ct) => Client.CoreV1.CreateNodeAsync(item, cancellationToken: ct);
}

/// <summary>
/// Removes nodes from the cluster. Their pods are deleted by the cluster (the pod garbage collector)
/// and controllers recreate them elsewhere; drain a node first (Suspend-KubeNode -Drain) to move
/// them gracefully.
/// </summary>
/// <example><code>Suspend-KubeNode node-3 -Drain; Remove-KubeNode node-3 -Confirm:$false</code>Retires a node.</example>
[Cmdlet(VerbsCommon.Remove, "KubeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.GetKubeNode)]
[OutputType(typeof(V1Node))]
public sealed class RemoveKubeNodeCommand : RemoveKubeObjectCmdlet<V1Node>
{
    protected override string TargetOf(string name) => $"node {name}";

    protected override async Task<V1Node?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.CoreV1.DeleteNodeAsync(name, cancellationToken: ct);
        return null;
    }

    protected override Task<V1Node> ReadAsync(string name, CancellationToken ct) => Client.CoreV1.ReadNodeAsync(name, cancellationToken: ct);
}
