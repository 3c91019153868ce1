using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets Deployments.</summary>
/// <example><code>Get-KubeDeployment</code>Lists the Deployments with kubectl's READY, UP-TO-DATE and AVAILABLE columns.</example>
/// <example><code>Get-KubeDeployment -AllNamespaces | Where-Object Available -lt 1</code>Finds Deployments with no available pod.</example>
[Cmdlet(VerbsCommon.Get, "KubeDeployment", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1Deployment))]
public sealed class GetKubeDeploymentCommand : GetNamespacedKubeObjectCmdlet<V1Deployment>
{
    protected override string Kind => "deployments";

    protected override async Task<IList<V1Deployment>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1Deployment>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1Deployment> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a Deployment of one container, its pods labelled app=&lt;name&gt; unless -Labels says otherwise.</summary>
/// <example><code>New-KubeDeployment web kubeps/busybox:1 -Replicas 3 -Port 8080 -Command sh,-c,'exec httpd -f -p 8080'</code>Creates a Deployment of three pods.</example>
/// <example><code>Get-Content ./web.yaml -Raw | ConvertFrom-KubeYaml | New-KubeDeployment</code>Creates the Deployment a manifest describes.</example>
[Cmdlet(VerbsCommon.New, "KubeDeployment", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1Deployment))]
public sealed class NewKubeDeploymentCommand : NewWorkloadCmdlet<V1Deployment>
{
    /// <summary>How many pods to run (default 1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Replicas { get; set; } = 1;

    protected override string KindLabel => "deployment";

    protected override V1Deployment BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = metadata,
        Spec = new V1DeploymentSpec { Replicas = Replicas, Selector = selector, Template = template },
    };

    protected override Task<V1Deployment> CreateInAsync(string ns, V1Deployment item, CancellationToken ct) =>
        Client.AppsV1.CreateNamespacedDeploymentAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a Deployment: its replicas, a container's image (which rolls it out), or whether it is paused.</summary>
/// <example><code>Set-KubeDeployment web -Replicas 5</code>Scales web to five pods.</example>
/// <example><code>Set-KubeDeployment web -Image kubeps/busybox:2; Wait-KubeDeployment web</code>Rolls web to a new image and waits for the rollout.</example>
[Cmdlet(VerbsCommon.Set, "KubeDeployment", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1Deployment))]
public sealed class SetKubeDeploymentCommand : SetWorkloadCmdlet<V1Deployment>
{
    /// <summary>The new number of pods.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Replicas { get; set; }

    /// <summary>-Paused stops rollouts, -Paused:$false lets them go on.</summary>
    [Parameter]
    public SwitchParameter Paused { get; set; }

    protected override string KindLabel => "deployment";

    protected override V1PodTemplateSpec TemplateOf(V1Deployment workload) => workload.Spec.Template;

    protected override void ChangeWorkload(V1Deployment current)
    {
        if (Replicas is { } replicas)
        {
            current.Spec.Replicas = replicas;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Paused)))
        {
            current.Spec.Paused = Paused.IsPresent ? true : null;
        }
    }

    protected override Task<V1Deployment> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDeploymentAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Deployment> ReplaceAsync(V1Deployment item, CancellationToken ct) =>
        Client.AppsV1.ReplaceNamespacedDeploymentAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes Deployments, with their ReplicaSets and pods.</summary>
/// <example><code>Remove-KubeDeployment web -Wait</code>Removes Deployment web with its ReplicaSets and pods.</example>
[Cmdlet(VerbsCommon.Remove, "KubeDeployment", SupportsShouldProcess = true, HelpUri = HelpLinks.Deployment)]
[OutputType(typeof(V1Deployment))]
public sealed class RemoveKubeDeploymentCommand : RemoveNamespacedKubeObjectCmdlet<V1Deployment>
{
    protected override string KindLabel => "deployment";

    protected override async Task<V1Deployment?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.AppsV1.DeleteNamespacedDeploymentAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1Deployment> ReadAsync(string name, CancellationToken ct) =>
        Client.AppsV1.ReadNamespacedDeploymentAsync(name, EffectiveNamespace, cancellationToken: ct);
}
