using System.Management.Automation;
using System.Text;
using k8s;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Runs a command in a container of a running pod (kubectl exec). Standard output comes back one
/// string per line, standard error as non-terminating errors, and the command's exit code is set in
/// <c>$LASTEXITCODE</c>, as for a native command.
/// </summary>
/// <example><code>Invoke-KubeCommand web hostname</code>Runs hostname in pod web; $LASTEXITCODE is its exit code.</example>
/// <example><code>Invoke-KubeCommand db -Container main -Command sh,-c,'ls /data'</code>Runs a shell command in one container.</example>
[Cmdlet(VerbsLifecycle.Invoke, "KubeCommand", HelpUri = HelpLinks.InvokeKubeCommand)]
[OutputType(typeof(string))]
public sealed class InvokeKubeCommandCommand : KubeApiCmdlet
{
    /// <summary>The name of the pod.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The command and its arguments, e.g. ls,-l,/ (no shell unless you run one: sh,-c,'...').</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Command { get; set; } = [];

    /// <summary>The namespace of the pod; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The container to run in; may be omitted when the pod has one container.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ContainerCompleter))]
    public string? Container { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ns = Namespace ?? Connection.Namespace;
        RunForItem(Name, async (writer, ct) =>
        {
            var container = Container ?? (await Client.CoreV1.ReadNamespacedPodAsync(Name, ns, cancellationToken: ct)).Spec.Containers[0].Name;
            var exitCode = await Client.NamespacedPodExecAsync(Name, ns, container, Command, false, async (stdin, stdout, stderr) =>
            {
                stdin.Close();
                var errors = RelayAsync(stderr, line => writer.Error(new ErrorRecord(
                    new RemoteException(line), Errors.ErrorIds.CommandError, ErrorCategory.FromStdErr, Name)), ct);
                await RelayAsync(stdout, writer.Object, ct);
                await errors;
            }, ct);
            writer.ExitCode(exitCode);
        });
    }

    private static async Task RelayAsync(Stream stream, Action<string> write, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            write(line);
        }
    }
}
