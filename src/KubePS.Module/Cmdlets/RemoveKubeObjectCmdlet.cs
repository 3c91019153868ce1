using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Remove-Kube&lt;Kind&gt; for every kind. Deletion in Kubernetes is graceful: the server marks the
/// object and it goes once its finalizers and node are done, so -Wait waits for it to be gone.
/// </summary>
public abstract class RemoveKubeObjectCmdlet<TObject> : KubeApiCmdlet
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Names of the objects to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Waits until each object is gone from the server, not only marked for deletion.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Writes the object as the server returned it from the deletion (with its deletionTimestamp).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>How ShouldProcess names one object, e.g. "pod default/web".</summary>
    protected abstract string TargetOf(string name);

    /// <summary>Asks the server to delete the object; returns it as marked for deletion, or null once gone.</summary>
    protected abstract Task<TObject?> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Reads the object; -Wait polls this until the server answers NotFound.</summary>
    protected abstract Task<TObject> ReadAsync(string name, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            var target = TargetOf(name);
            if (!ShouldProcess(target, VerbsCommon.Remove))
            {
                continue;
            }

            RunForItem(name, async (writer, ct) =>
            {
                var deleted = await DeleteAsync(name, ct);
                if (Wait)
                {
                    await Removal.WaitUntilGoneAsync(target, c => ReadAsync(name, c), writer, ct);
                }

                if (PassThru && deleted is not null)
                {
                    writer.Object(deleted);
                }
            });
        }
    }
}

/// <summary>Waiting for a deleted object to be gone, not only marked for deletion.</summary>
internal static class Removal
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Shows progress and reads the object until the server answers NotFound.</summary>
    public static async Task WaitUntilGoneAsync(string target, Func<CancellationToken, Task> read, Pipeline.PipelineWriter writer, CancellationToken cancellationToken)
    {
        var progress = new ProgressRecord(1, Messages.RemoveActivity, Messages.WaitingForRemoval(target));
        writer.Progress(progress);
        while (true)
        {
            try
            {
                await read(cancellationToken);
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        progress.RecordType = ProgressRecordType.Completed;
        writer.Progress(progress);
    }
}
