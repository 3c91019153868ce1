using System.Collections.Concurrent;
using System.Management.Automation;

namespace KubePS.Module.Pipeline;

/// <summary>
/// What async work hands back to the pipeline thread: PowerShell allows WriteObject, WriteError and
/// WriteProgress only on the thread that runs the cmdlet, so background work queues them here.
/// </summary>
public sealed class PipelineWriter(BlockingCollection<Action<Cmdlet>> queue)
{
    public void Object(object item) => queue.Add(c => c.WriteObject(item));

    public void Error(ErrorRecord record) => queue.Add(c => c.WriteError(record));

    public void Progress(ProgressRecord record) => queue.Add(c => c.WriteProgress(record));

    public void Verbose(string message) => queue.Add(c => c.WriteVerbose(message));

    public void Warning(string message) => queue.Add(c => c.WriteWarning(message));

    /// <summary>Sets <c>$LASTEXITCODE</c> in the caller's session, as a native command does.</summary>
    public void ExitCode(int code) => queue.Add(c => ((PSCmdlet)c).SessionState.PSVariable.Set("global:LASTEXITCODE", code));
}
