using System.Management.Automation;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// The base of every cmdlet that talks to the API: -Context runs it against another context of the
/// session's kubeconfig (or of the default one) without changing the session's own connection.
/// </summary>
public abstract class KubeApiCmdlet : KubeCmdlet
{
    /// <summary>The kubeconfig context to use instead of the session's, e.g. staging.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <inheritdoc />
    protected override string? ContextName => Context;
}
