using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Errors;
using KubePS.Module.Pipeline;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Waits until a Deployment's rollout finishes, as kubectl rollout status does, showing its
/// progress; fails when the rollout exceeds its progress deadline or -Timeout passes.
/// </summary>
/// <example><code>Wait-KubeDeployment web -Timeout 300</code>Waits (with a progress bar) until web's rollout is done, as kubectl rollout status does.</example>
[Cmdlet(VerbsLifecycle.Wait, "KubeDeployment", HelpUri = HelpLinks.DeploymentRollout)]
[OutputType(typeof(V1Deployment))]
public sealed class WaitKubeDeploymentCommand : DeploymentActionCmdlet
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Seconds to wait at most; -1 (default) waits as long as the rollout progresses.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    protected override string? Action => null;

    protected override async Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (Timeout >= 0)
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(Timeout));
        }

        var progress = new ProgressRecord(2, Messages.RolloutActivity, name);
        try
        {
            while (true)
            {
                var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync(name, EffectiveNamespace, cancellationToken: deadline.Token);
                var (done, message) = RolloutStatus.Of(deployment);
                progress.StatusDescription = message;
                progress.PercentComplete = RolloutStatus.Percent(deployment);
                writer.Progress(progress);
                if (done)
                {
                    writer.Verbose(message);
                    return deployment;
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new KubeException(Messages.TimedOut($"deployment \"{name}\" to roll out", TimeSpan.FromSeconds(Timeout)), null, ErrorIds.Timeout, ErrorCategory.OperationTimeout);
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            writer.Progress(progress);
        }
    }
}

/// <summary>kubectl's rollout status rules for a Deployment, in its words.</summary>
internal static class RolloutStatus
{
    public static (bool Done, string Message) Of(V1Deployment d)
    {
        var name = d.Metadata.Name;
        var status = d.Status ?? new V1DeploymentStatus();
        if (d.Metadata.Generation > (status.ObservedGeneration ?? 0))
        {
            return (false, "Waiting for deployment spec update to be observed...");
        }

        if (status.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is { Reason: "ProgressDeadlineExceeded" })
        {
            throw new KubeException(Messages.RolloutDeadlineExceeded(name), null, ErrorIds.RolloutFailed, ErrorCategory.OperationStopped);
        }

        var replicas = d.Spec.Replicas ?? 1;
        var updated = status.UpdatedReplicas ?? 0;
        if (updated < replicas)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...");
        }

        if ((status.Replicas ?? 0) > updated)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {status.Replicas - updated} old replicas are pending termination...");
        }

        if ((status.AvailableReplicas ?? 0) < updated)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {status.AvailableReplicas ?? 0} of {updated} updated replicas are available...");
        }

        return (true, $"deployment \"{name}\" successfully rolled out");
    }

    public static int Percent(V1Deployment d) =>
        d.Spec.Replicas is > 0 and var replicas ? Math.Min(100, 100 * Math.Min(d.Status?.UpdatedReplicas ?? 0, d.Status?.AvailableReplicas ?? 0) / replicas) : 100;
}
