using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets Jobs.</summary>
/// <example><code>Get-KubeJob | Where-Object { $_.Status.Failed }</code>Lists the Jobs with failed pods.</example>
[Cmdlet(VerbsCommon.Get, "KubeJob", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1Job))]
public sealed class GetKubeJobCommand : GetNamespacedKubeObjectCmdlet<V1Job>
{
    protected override string Kind => "jobs";

    protected override async Task<IList<V1Job>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1Job>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.BatchV1.ListJobForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1Job> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a Job that runs its pods until -Completions of them succeed, at most -Parallelism at a time.</summary>
/// <example><code>New-KubeJob pi kubeps/busybox:1 -Command sh,-c,'echo 3.14' -Completions 3 -Parallelism 2</code>Runs a pod to completion three times, two at a time.</example>
[Cmdlet(VerbsCommon.New, "KubeJob", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1Job))]
public sealed class NewKubeJobCommand : NewWorkloadCmdlet<V1Job>
{
    /// <summary>How many pods must succeed (default 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Completions { get; set; } = 1;

    /// <summary>How many pods may run at once (default 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Parallelism { get; set; } = 1;

    /// <summary>How many failed pods make the Job fail (default 6).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int BackoffLimit { get; set; } = 6;

    /// <summary>Never (default): a failed container fails its pod and a new pod is tried; OnFailure: the container restarts in place.</summary>
    [Parameter]
    [ValidateSet("Never", "OnFailure")]
    public string RestartPolicy { get; set; } = "Never";

    protected override string KindLabel => "job";

    protected override string PodRestartPolicy => RestartPolicy;

    // The server gives a Job its own selector, on its uid, as kubectl create job leaves it to do.
    protected override V1Job BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = metadata,
        Spec = new V1JobSpec { Completions = Completions, Parallelism = Parallelism, BackoffLimit = BackoffLimit, Template = template },
    };

    protected override Task<V1Job> CreateInAsync(string ns, V1Job item, CancellationToken ct) =>
        Client.BatchV1.CreateNamespacedJobAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a Job's parallelism, or suspends (-Suspend) and resumes (-Suspend:$false) it.</summary>
/// <example><code>Set-KubeJob batch -Parallelism 4</code>Lets Job batch run four pods at a time.</example>
[Cmdlet(VerbsCommon.Set, "KubeJob", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1Job))]
public sealed class SetKubeJobCommand : SetNamespacedKubeObjectCmdlet<V1Job>
{
    /// <summary>How many pods may run at once.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Parallelism { get; set; }

    /// <summary>-Suspend stops the Job's pods and starts no more; -Suspend:$false lets it go on.</summary>
    [Parameter]
    public SwitchParameter Suspend { get; set; }

    protected override string KindLabel => "job";

    protected override void Change(V1Job current)
    {
        if (Parallelism is { } parallelism)
        {
            current.Spec.Parallelism = parallelism;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Suspend)))
        {
            current.Spec.Suspend = Suspend.IsPresent;
        }
    }

    protected override Task<V1Job> ReadAsync(string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedJobAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Job> ReplaceAsync(V1Job item, CancellationToken ct) =>
        Client.BatchV1.ReplaceNamespacedJobAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes Jobs and their pods.</summary>
/// <example><code>Get-KubeJob | Where-Object { $_.Status.Succeeded } | Remove-KubeJob -Confirm:$false</code>Removes the Jobs that succeeded, with their pods.</example>
[Cmdlet(VerbsCommon.Remove, "KubeJob", SupportsShouldProcess = true, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1Job))]
public sealed class RemoveKubeJobCommand : RemoveNamespacedKubeObjectCmdlet<V1Job>
{
    protected override string KindLabel => "job";

    protected override async Task<V1Job?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.BatchV1.DeleteNamespacedJobAsync(name, EffectiveNamespace, propagationPolicy: "Background", cancellationToken: ct);
        return null;
    }

    protected override Task<V1Job> ReadAsync(string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedJobAsync(name, EffectiveNamespace, cancellationToken: ct);
}
