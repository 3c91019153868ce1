using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Core.Printing;
using KubePS.Module.Completion;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Waits until pods reach a condition, as kubectl wait does: Ready (the default: every container
/// ready), Running, Succeeded, Finished (Succeeded or Failed) or Deleted. A pod that fails while
/// waited for Ready, Running or Succeeded ends the wait with KubePS.PodFailed; -Timeout ends it with
/// KubePS.Timeout.
/// </summary>
/// <example><code>New-KubePod web -Image kubeps/busybox:1 -Command sleep,3600 | Wait-KubePod</code>Creates a pod and waits until it is Ready.</example>
/// <example><code>Get-KubePod -LabelSelector job-name=report | Wait-KubePod -Condition Finished -Timeout 600</code>Waits for a Job's pods to end.</example>
[Cmdlet(VerbsLifecycle.Wait, "KubePod", HelpUri = HelpLinks.GetKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class WaitKubePodCommand : KubeApiCmdlet
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Names of the pods.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>The pods' namespace; the session's namespace when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>What to wait for: Ready (default), Running, Succeeded, Finished or Deleted.</summary>
    [Parameter]
    [ValidateSet("Ready", "Running", "Succeeded", "Finished", "Deleted")]
    public string Condition { get; set; } = "Ready";

    /// <summary>Seconds to wait at most for each pod; -1 (default) waits until Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ns = Namespace ?? Connection.Namespace;
        foreach (var name in Name)
        {
            RunForItem(name, async (writer, ct) =>
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (Timeout >= 0)
                {
                    deadline.CancelAfter(TimeSpan.FromSeconds(Timeout));
                }

                var progress = new ProgressRecord(5, Messages.WaitPodActivity(ns, name, Condition), Condition);
                try
                {
                    while (true)
                    {
                        V1Pod pod;
                        try
                        {
                            pod = await Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: deadline.Token);
                        }
                        catch (Exception e) when (Condition == "Deleted" && KubeErrors.IsNotFound(e))
                        {
                            return;
                        }

                        progress.StatusDescription = PodPrinting.Status(pod);
                        writer.Progress(progress);
                        if (Reached(pod))
                        {
                            writer.Object(pod);
                            return;
                        }

                        if (pod.Status?.Phase == "Failed" && Condition is not ("Finished" or "Deleted"))
                        {
                            throw new KubeException(Messages.PodFailed(ns, name, PodPrinting.Status(pod)), null, ErrorIds.PodFailed, ErrorCategory.InvalidResult);
                        }

                        await Task.Delay(PollInterval, deadline.Token);
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new KubeException(Messages.TimedOut($"pod \"{name}\" to be {Condition}", TimeSpan.FromSeconds(Timeout)), null, ErrorIds.Timeout, ErrorCategory.OperationTimeout);
                }
                finally
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    writer.Progress(progress);
                }
            });
        }
    }

    private bool Reached(V1Pod pod) => Condition switch
    {
        "Ready" => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
        "Running" => pod.Status?.Phase == "Running",
        "Succeeded" => pod.Status?.Phase == "Succeeded",
        "Finished" => pod.Status?.Phase is "Succeeded" or "Failed",
        _ => false,
    };
}
