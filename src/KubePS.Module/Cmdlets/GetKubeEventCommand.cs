using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Gets Events, oldest first: of a namespace, of every namespace, or about one object (-Object,
/// which takes any object from a Get-Kube cmdlet). -Watch keeps writing new and updated Events
/// until Ctrl+C.
/// </summary>
/// <example><code>Get-KubeDeployment web | Get-KubeEvent</code>Shows the Events about Deployment web.</example>
/// <example><code>Get-KubeEvent -AllNamespaces -Watch -Timeout 60</code>Writes new Events for a minute.</example>
[Cmdlet(VerbsCommon.Get, "KubeEvent", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.GetKubeEvent)]
[OutputType(typeof(Corev1Event))]
public sealed class GetKubeEventCommand : KubeApiCmdlet
{
    /// <summary>The namespace to look in; the session's namespace (default) when omitted.</summary>
    [Parameter(ParameterSetName = "Namespace")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Events of every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AllNamespaces")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Only the Events about this object, e.g. (Get-KubeDeployment web).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Object", ValueFromPipeline = true)]
    public IKubernetesObject<V1ObjectMeta>? Object { get; set; }

    /// <summary>After the current Events, writes each new or updated one until stopped.</summary>
    [Parameter]
    public SwitchParameter Watch { get; set; }

    /// <summary>With -Watch, stops watching after this many seconds; -1 (default) watches until Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var ns = AllNamespaces ? null : Object?.Metadata?.NamespaceProperty ?? Namespace ?? Connection.Namespace;
        var fieldSelector = Object is null ? null : $"involvedObject.uid={Object.Metadata.Uid}";
        RunForItem(Object?.Metadata?.Name ?? ns ?? "", async (writer, ct) =>
        {
            var list = ns is null
                ? await Client.CoreV1.ListEventForAllNamespacesAsync(fieldSelector: fieldSelector, cancellationToken: ct)
                : await Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: fieldSelector, cancellationToken: ct);
            foreach (var ev in list.Items.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp))
            {
                writer.Object(ev);
            }

            if (!Watch)
            {
                return;
            }

            using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (Timeout >= 0)
            {
                watching.CancelAfter(TimeSpan.FromSeconds(Timeout));
            }

            var watch = ns is null
                ? Client.CoreV1.WatchListEventForAllNamespacesAsync(fieldSelector: fieldSelector, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: watching.Token)
                : Client.CoreV1.WatchListNamespacedEventAsync(ns, fieldSelector: fieldSelector, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: watching.Token);
            try
            {
                await foreach (var (type, ev) in watch)
                {
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        writer.Object(ev);
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // -Timeout ran out: the watch ends as the user asked.
            }
        });
    }
}
