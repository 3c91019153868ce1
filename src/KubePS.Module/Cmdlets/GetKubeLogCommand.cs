using System.Management.Automation;
using k8s;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets the log of a pod's container, one string per line; -Follow keeps streaming.</summary>
/// <example><code>Get-KubeLog web -Tail 20</code>Shows the last 20 lines pod web wrote.</example>
/// <example><code>Get-KubeLog web -Follow -Container sidecar</code>Follows one container's log until Ctrl+C.</example>
[Cmdlet(VerbsCommon.Get, "KubeLog", HelpUri = HelpLinks.GetKubeLog)]
[OutputType(typeof(string))]
public sealed class GetKubeLogCommand : KubeApiCmdlet
{
    /// <summary>The name of the pod.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The namespace of the pod; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The container whose log to read; may be omitted when the pod has one container.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ContainerCompleter))]
    public string? Container { get; set; }

    /// <summary>Only the last this many lines.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Tail { get; set; }

    /// <summary>Keeps writing new lines as the container writes them, until Ctrl+C or the container ends.</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <summary>Only lines written within this long before now, e.g. (New-TimeSpan -Minutes 5).</summary>
    [Parameter]
    public TimeSpan? Since { get; set; }

    /// <summary>The log of the container's previous instance, the one that exited before the last restart.</summary>
    [Parameter]
    public SwitchParameter Previous { get; set; }

    /// <summary>Starts each line with its RFC 3339 timestamp.</summary>
    [Parameter]
    public SwitchParameter Timestamps { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ns = Namespace ?? Connection.Namespace;
        RunForItem(Name, async (writer, ct) =>
        {
            await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(
                Name, ns, container: Container, follow: Follow.IsPresent, tailLines: Tail, previous: Previous.IsPresent,
                sinceSeconds: Since is { } since ? Math.Max(1, (int)Math.Ceiling(since.TotalSeconds)) : null, timestamps: Timestamps.IsPresent,
                cancellationToken: ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                writer.Object(line);
            }
        });
    }
}
