using System.Management.Automation;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Module.Errors;
using KubePS.Module.Pipeline;

namespace KubePS.Module.Cmdlets;

/// <summary>Cordons or uncordons nodes (<c>spec.unschedulable</c>), as kubectl cordon and uncordon do.</summary>
public abstract class NodeScheduleCmdlet : KubeApiCmdlet
{
    /// <summary>The nodes; objects from Get-KubeNode bind by their Name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Writes each node as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected async Task<V1Node> SetUnschedulableAsync(string name, bool unschedulable, CancellationToken ct) =>
        await Client.CoreV1.PatchNodeAsync(
            new V1Patch(new { spec = new { unschedulable } }, V1Patch.PatchType.MergePatch), name, cancellationToken: ct);
}

/// <summary>
/// Cordons nodes so no new pod is scheduled there; with -Drain also evicts their pods, as kubectl
/// drain does: through the eviction subresource, so PodDisruptionBudgets are honoured (an eviction
/// a budget refuses is retried until -Timeout), skipping DaemonSet pods; pods no controller would
/// recreate are refused unless -Force.
/// </summary>
/// <example><code>Suspend-KubeNode node-1 -Drain -Confirm:$false</code>Cordons node-1 and evicts its pods, honouring PodDisruptionBudgets.</example>
[Cmdlet(VerbsLifecycle.Suspend, "KubeNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.NodeMaintenance)]
[OutputType(typeof(V1Node))]
public sealed class SuspendKubeNodeCommand : NodeScheduleCmdlet
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Also evicts the node's pods.</summary>
    [Parameter]
    public SwitchParameter Drain { get; set; }

    /// <summary>With -Drain: also deletes pods that no controller manages (they are not recreated anywhere).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>With -Drain: seconds to wait for the pods to go; 0 (default) waits as long as it takes.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (!ShouldProcess(Messages.ObjectTarget("node", null, name), Drain ? "Drain" : "Cordon"))
            {
                continue;
            }

            RunForItem(name, async (writer, ct) =>
            {
                var node = await SetUnschedulableAsync(name, true, ct);
                if (Drain)
                {
                    await DrainAsync(name, writer, ct);
                    node = await Client.CoreV1.ReadNodeAsync(name, cancellationToken: ct);
                }

                if (PassThru)
                {
                    writer.Object(node);
                }
            });
        }
    }

    private async Task DrainAsync(string node, PipelineWriter writer, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (Timeout > 0)
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(Timeout));
        }

        var pods = (await Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={node}", cancellationToken: ct)).Items
            .Where(p => p.Status?.Phase is not ("Succeeded" or "Failed") && p.Metadata.DeletionTimestamp is null)
            .Where(p => ControllerOf(p)?.Kind != "DaemonSet")
            .ToList();
        var unmanaged = pods.Where(p => ControllerOf(p) is null).Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}").ToList();
        if (unmanaged.Count > 0 && !Force)
        {
            throw new KubeException(Messages.UnmanagedPods(node, unmanaged), null, ErrorIds.UnmanagedPods, ErrorCategory.InvalidOperation);
        }

        var progress = new ProgressRecord(3, Messages.DrainActivity(node), Messages.PodsLeft(pods.Count));
        try
        {
            var waiting = new List<V1Pod>(pods);
            while (waiting.Count > 0)
            {
                foreach (var pod in waiting.ToList())
                {
                    if (await TryEvictAsync(pod, deadline.Token))
                    {
                        writer.Verbose(Messages.Evicted(pod.Metadata.NamespaceProperty, pod.Metadata.Name));
                        waiting.Remove(pod);
                    }
                }

                progress.StatusDescription = Messages.PodsLeft(waiting.Count);
                progress.PercentComplete = pods.Count == 0 ? 100 : (pods.Count - waiting.Count) * 100 / pods.Count;
                writer.Progress(progress);
                if (waiting.Count > 0)
                {
                    await Task.Delay(RetryInterval, deadline.Token);
                }
            }

            // kubectl drain waits until the evicted pods are gone.
            foreach (var pod in pods)
            {
                while (await ExistsAsync(pod, deadline.Token))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new KubeException(Messages.TimedOut($"node {node} to drain", TimeSpan.FromSeconds(Timeout)), null, ErrorIds.Timeout, ErrorCategory.OperationTimeout);
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            writer.Progress(progress);
        }
    }

    // False while a disruption budget refuses (429); a pod already gone counts as evicted.
    private async Task<bool> TryEvictAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            var eviction = new V1Eviction { Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty } };
            await Client.CoreV1.CreateNamespacedPodEvictionAsync(eviction, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == (HttpStatusCode)429)
        {
            return false;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    private async Task<bool> ExistsAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            var current = await Client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct);
            return current.Metadata.Uid == pod.Metadata.Uid;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static V1OwnerReference? ControllerOf(V1Pod pod) => pod.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
}

/// <summary>Uncordons nodes: new pods may be scheduled there again.</summary>
/// <example><code>Resume-KubeNode node-1</code>Uncordons node-1: new pods may be scheduled there again.</example>
[Cmdlet(VerbsLifecycle.Resume, "KubeNode", SupportsShouldProcess = true, HelpUri = HelpLinks.NodeMaintenance)]
[OutputType(typeof(V1Node))]
public sealed class ResumeKubeNodeCommand : NodeScheduleCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (ShouldProcess(Messages.ObjectTarget("node", null, name), "Uncordon"))
            {
                RunForItem(name, async (writer, ct) =>
                {
                    var node = await SetUnschedulableAsync(name, false, ct);
                    if (PassThru)
                    {
                        writer.Object(node);
                    }
                });
            }
        }
    }
}
