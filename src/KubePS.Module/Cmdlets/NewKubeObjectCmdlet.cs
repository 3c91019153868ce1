using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>New-Kube&lt;Kind&gt; for every kind: builds the object from the parameters and creates it.</summary>
public abstract class NewKubeObjectCmdlet<TObject> : KubeApiCmdlet
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The name of the new object (a DNS-1123 name: lower case letters, digits and '-').</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Labels to put on the object.</summary>
    [Parameter]
    public System.Collections.Hashtable? Labels { get; set; }

    /// <summary>The object the parameters describe.</summary>
    protected abstract TObject Build(V1ObjectMeta metadata);

    /// <summary>Creates the object on the server and returns what the server stored.</summary>
    protected abstract Task<TObject> CreateAsync(TObject item, CancellationToken cancellationToken);

    /// <summary>How ShouldProcess names the object, e.g. "pod default/web".</summary>
    protected abstract string Target { get; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Target, VerbsCommon.New))
        {
            return;
        }

        var item = Build(new V1ObjectMeta { Name = Name, Labels = ToLabels(Labels) });
        RunForItem(item, async (writer, ct) => writer.Object(await CreateAsync(item, ct)));
    }

    private static Dictionary<string, string>? ToLabels(System.Collections.Hashtable? labels) =>
        labels is null ? null : Values.Strings(labels);
}
