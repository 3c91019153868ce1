using System.Management.Automation;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubePS.Module.Errors;
using KubePS.Module.Manifests;
using KubePS.Module.Resources;

namespace KubePS.Module.Cmdlets;

/// <summary>The parameter sets New-Kube&lt;Kind&gt; cmdlets share.</summary>
internal static class ParameterSets
{
    /// <summary>The object is built from the cmdlet's simple parameters.</summary>
    public const string Parameters = "Parameters";

    /// <summary>The object comes whole: from ConvertFrom-KubeYaml, a Get-Kube cmdlet, or a hashtable.</summary>
    public const string InputObject = "InputObject";
}

/// <summary>
/// New-Kube&lt;Kind&gt; for every kind: builds the object from the parameters, or takes it whole from
/// -InputObject (an object of the kind from ConvertFrom-KubeYaml or a Get-Kube cmdlet, or a hashtable
/// shaped like its manifest), and creates it.
/// </summary>
public abstract class NewKubeObjectCmdlet<TObject> : KubeApiCmdlet
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The name of the new object (a DNS-1123 name: lower case letters, digits and '-').</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Labels to put on the object (added to those of -InputObject).</summary>
    [Parameter]
    public System.Collections.Hashtable? Labels { get; set; }

    /// <summary>
    /// The whole object to create: one of this kind from ConvertFrom-KubeYaml or a Get-Kube cmdlet
    /// (what the server set, such as uid and status, is left out), or a hashtable shaped like its
    /// manifest, e.g. @{ data = @{ mode = 'fast' } }. -Name (bound from a piped object's Name) names it.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.InputObject, ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>The object the parameters describe.</summary>
    protected abstract TObject Build(V1ObjectMeta metadata);

    /// <summary>Creates the object on the server and returns what the server stored.</summary>
    protected abstract Task<TObject> CreateAsync(TObject item, CancellationToken cancellationToken);

    /// <summary>How ShouldProcess names the object, e.g. "pod default/web".</summary>
    protected abstract string Target { get; }

    /// <summary>Sets the scope of an object that came whole (the namespace, for namespaced kinds).</summary>
    protected virtual void SetScope(V1ObjectMeta metadata)
    {
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        TObject item;
        try
        {
            item = InputObject is null ? Build(new V1ObjectMeta { Name = Name, Labels = ToLabels(Labels) }) : FromInput(InputObject);
        }
        catch (KubeException e)
        {
            WriteError(new ErrorRecord(e, e.ErrorId, e.Category, InputObject));
            return;
        }

        if (!ShouldProcess(Target, VerbsCommon.New))
        {
            return;
        }

        RunForItem(item, async (writer, ct) => writer.Object(await CreateAsync(item, ct)));
    }

    private TObject FromInput(object input)
    {
        var (apiVersion, kind) = ObjectJson.KindOf(typeof(TObject))!.Value;
        var json = ObjectJson.ToJson(input)
            ?? throw new KubeException(Messages.NotAKubernetesObject(input.GetType().FullName ?? "object"), null, ErrorIds.NotAKubernetesObject, ErrorCategory.InvalidArgument);
        if ((string?)json["kind"] is { } given && given != kind)
        {
            throw new KubeException(Messages.WrongKind(given, kind), null, ErrorIds.Invalid, ErrorCategory.InvalidArgument);
        }

        json["apiVersion"] = apiVersion;
        json["kind"] = kind;
        var clean = ManifestCleaner.Clean(json);
        var item = KubernetesJson.Deserialize<TObject>(clean.ToJsonString());
        item.Metadata ??= new V1ObjectMeta();
        item.Metadata.Name = Name;
        if (Labels is not null)
        {
            item.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (key, value) in Values.Strings(Labels))
            {
                item.Metadata.Labels[key] = value;
            }
        }

        SetScope(item.Metadata);
        return item;
    }

    private static Dictionary<string, string>? ToLabels(System.Collections.Hashtable? labels) =>
        labels is null ? null : Values.Strings(labels);
}
