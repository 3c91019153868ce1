using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets CronJobs.</summary>
/// <example><code>Get-KubeCronJob -AllNamespaces</code>Lists every CronJob with its schedule and last run.</example>
[Cmdlet(VerbsCommon.Get, "KubeCronJob", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1CronJob))]
public sealed class GetKubeCronJobCommand : GetNamespacedKubeObjectCmdlet<V1CronJob>
{
    protected override string Kind => "cronjobs";

    protected override async Task<IList<V1CronJob>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.BatchV1.ListNamespacedCronJobAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1CronJob>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.BatchV1.ListCronJobForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1CronJob> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedCronJobAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a CronJob that starts a Job of one container on a cron -Schedule, e.g. '*/5 * * * *' or '@hourly'.</summary>
/// <example><code>New-KubeCronJob report kubeps/busybox:1 -Schedule '0 2 * * *' -Command sh,-c,'echo nightly'</code>Runs a job at 02:00 every night.</example>
[Cmdlet(VerbsCommon.New, "KubeCronJob", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1CronJob))]
public sealed class NewKubeCronJobCommand : NewWorkloadCmdlet<V1CronJob>
{
    /// <summary>Five cron fields (minute hour day-of-month month day-of-week) or a macro such as @daily.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters)]
    [ValidateNotNullOrEmpty]
    public string Schedule { get; set; } = "";

    /// <summary>The IANA time zone the schedule reads in, e.g. Europe/Berlin; UTC by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>What to do when a Job is due while the last one still runs: Allow (default), Forbid or Replace.</summary>
    [Parameter]
    [ValidateSet("Allow", "Forbid", "Replace")]
    public string ConcurrencyPolicy { get; set; } = "Allow";

    protected override string KindLabel => "cronjob";

    protected override string PodRestartPolicy => "Never";

    protected override V1CronJob BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "CronJob",
        Metadata = metadata,
        Spec = new V1CronJobSpec
        {
            Schedule = Schedule,
            TimeZone = TimeZone,
            ConcurrencyPolicy = ConcurrencyPolicy,
            JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec { Template = template } },
        },
    };

    protected override Task<V1CronJob> CreateInAsync(string ns, V1CronJob item, CancellationToken ct) =>
        Client.BatchV1.CreateNamespacedCronJobAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a CronJob's schedule or concurrency policy, or suspends (-Suspend) and resumes (-Suspend:$false) it.</summary>
/// <example><code>Set-KubeCronJob report -Suspend</code>Stops CronJob report from starting new Jobs.</example>
[Cmdlet(VerbsCommon.Set, "KubeCronJob", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1CronJob))]
public sealed class SetKubeCronJobCommand : SetNamespacedKubeObjectCmdlet<V1CronJob>
{
    /// <summary>The new schedule.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Schedule { get; set; }

    /// <summary>What to do when a Job is due while the last one still runs.</summary>
    [Parameter]
    [ValidateSet("Allow", "Forbid", "Replace")]
    public string? ConcurrencyPolicy { get; set; }

    /// <summary>-Suspend starts no more Jobs; -Suspend:$false starts them again.</summary>
    [Parameter]
    public SwitchParameter Suspend { get; set; }

    protected override string KindLabel => "cronjob";

    protected override void Change(V1CronJob current)
    {
        current.Spec.Schedule = Schedule ?? current.Spec.Schedule;
        current.Spec.ConcurrencyPolicy = ConcurrencyPolicy ?? current.Spec.ConcurrencyPolicy;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Suspend)))
        {
            current.Spec.Suspend = Suspend.IsPresent;
        }
    }

    protected override Task<V1CronJob> ReadAsync(string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedCronJobAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1CronJob> ReplaceAsync(V1CronJob item, CancellationToken ct) =>
        Client.BatchV1.ReplaceNamespacedCronJobAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes CronJobs with their Jobs and pods.</summary>
/// <example><code>Remove-KubeCronJob report</code>Removes CronJob report and the Jobs it created.</example>
[Cmdlet(VerbsCommon.Remove, "KubeCronJob", SupportsShouldProcess = true, HelpUri = HelpLinks.Workloads)]
[OutputType(typeof(V1CronJob))]
public sealed class RemoveKubeCronJobCommand : RemoveNamespacedKubeObjectCmdlet<V1CronJob>
{
    protected override string KindLabel => "cronjob";

    protected override async Task<V1CronJob?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.BatchV1.DeleteNamespacedCronJobAsync(name, EffectiveNamespace, propagationPolicy: "Background", cancellationToken: ct);
        return null;
    }

    protected override Task<V1CronJob> ReadAsync(string name, CancellationToken ct) =>
        Client.BatchV1.ReadNamespacedCronJobAsync(name, EffectiveNamespace, cancellationToken: ct);
}
