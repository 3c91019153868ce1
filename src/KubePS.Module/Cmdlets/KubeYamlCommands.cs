using System.Management.Automation;
using System.Text;
using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Writes Kubernetes objects as YAML, the way kubectl reads and writes it. Objects piped in one run
/// become one multi-document text (separated by <c>---</c>), ready for <c>kubectl apply -f -</c> or a file.
/// </summary>
/// <example><code>Get-KubeDeployment web | ConvertTo-KubeYaml</code>Shows Deployment web as kubectl get -o yaml would.</example>
/// <example><code>Get-KubeConfigMap | ConvertTo-KubeYaml | Set-Content ./configmaps.yaml</code>Writes the namespace's ConfigMaps as one multi-document file.</example>
[Cmdlet(VerbsData.ConvertTo, "KubeYaml", HelpUri = HelpLinks.KubeYaml)]
[OutputType(typeof(string))]
public sealed class ConvertToKubeYamlCommand : PSCmdlet
{
    private readonly List<string> _documents = [];

    /// <summary>The object to write: anything a Get-Kube cmdlet or ConvertFrom-KubeYaml returns.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var value = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        if (value is not IKubernetesObject kubeObject)
        {
            WriteError(KubeErrors.NotAKubernetesObject(InputObject));
            return;
        }

        // Objects from lists carry no apiVersion and kind; the registry knows them by type.
        if (string.IsNullOrEmpty(kubeObject.Kind) && KindRegistry.All.FirstOrDefault(k => k.ClrType == value.GetType()) is { } kind)
        {
            kubeObject.ApiVersion = kind.ApiVersion;
            kubeObject.Kind = kind.Kind;
        }

        _documents.Add(KubernetesYaml.Serialize(kubeObject));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_documents.Count > 0)
        {
            WriteObject(string.Join("---\n", _documents.Select(d => d.EndsWith('\n') ? d : d + "\n")));
        }
    }
}

/// <summary>
/// Reads Kubernetes objects from YAML (or JSON), one or many documents, into the module's typed objects
/// (V1Deployment, V1Service, ...), which pipe into New-, Set- and Remove- cmdlets. Lines piped from
/// Get-Content are joined first, as ConvertFrom-Json does.
/// </summary>
/// <example><code>Get-Content ./app.yaml -Raw | ConvertFrom-KubeYaml</code>Reads every document of app.yaml into typed objects.</example>
/// <example><code>kubectl get deployment web -o yaml | ConvertFrom-KubeYaml | Select-Object -ExpandProperty Spec</code>Reads kubectl's YAML.</example>
[Cmdlet(VerbsData.ConvertFrom, "KubeYaml", HelpUri = HelpLinks.KubeYaml)]
[OutputType(typeof(IKubernetesObject))]
public sealed class ConvertFromKubeYamlCommand : PSCmdlet
{
    private readonly StringBuilder _text = new();

    /// <summary>The YAML: a whole text, or its lines one by one down the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord() => _text.AppendLine(InputObject);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        List<object> objects;
        try
        {
            objects = KubernetesYaml.LoadAllFromString(_text.ToString());
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(new KubeException(Messages.InvalidYaml(e.Message), e), ErrorIds.InvalidYaml, ErrorCategory.InvalidData, _text.ToString()));
            return;
        }

        foreach (var obj in objects.Where(o => o is not null))
        {
            WriteObject(obj);
        }
    }
}
