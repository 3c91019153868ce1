using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Get-Kube&lt;Kind&gt; for every kind: all objects, objects by exact name (an error per missing name), or
/// by wildcard (no error when nothing matches, as Get-Process does), narrowed by a label selector.
/// </summary>
public abstract class GetKubeObjectCmdlet<TObject> : KubeApiCmdlet
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Names of the objects to get; wildcards select among all of them. All objects when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only objects whose labels match this Kubernetes label selector, e.g. app=web,tier!=db.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelSelector { get; set; }

    /// <summary>Lists the objects in scope, filtered by a label selector when one is given.</summary>
    protected abstract Task<IList<TObject>> ListAsync(string? labelSelector, CancellationToken cancellationToken);

    /// <summary>Reads one object by exact name.</summary>
    protected abstract Task<TObject> ReadAsync(string name, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Name is null)
        {
            RunForItem(this, async (writer, ct) => WriteSorted(writer, await ListAsync(LabelSelector, ct)));
            return;
        }

        foreach (var name in Name)
        {
            if (LabelSelector is null && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                RunForItem(name, async (writer, ct) => writer.Object(await ReadAsync(name, ct)));
                continue;
            }

            var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
            RunForItem(name, async (writer, ct) =>
                WriteSorted(writer, (await ListAsync(LabelSelector, ct)).Where(o => pattern.IsMatch(o.Metadata?.Name))));
        }
    }

    private static void WriteSorted(Pipeline.PipelineWriter writer, IEnumerable<TObject> objects)
    {
        foreach (var item in objects.OrderBy(o => o.Metadata?.NamespaceProperty, StringComparer.Ordinal)
                     .ThenBy(o => o.Metadata?.Name, StringComparer.Ordinal))
        {
            writer.Object(item);
        }
    }
}
