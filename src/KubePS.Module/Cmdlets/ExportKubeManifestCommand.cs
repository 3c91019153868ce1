using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Module.Errors;
using KubePS.Module.Manifests;
using KubePS.Module.Resources;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Turns live objects into manifests: what the server added (status, uid, resourceVersion,
/// timestamps, managed fields, owner references, allocated cluster IPs, kubectl's last-applied
/// annotation) is removed, so the result can be applied to another namespace or cluster. Writes the
/// clean objects, or with -Path one multi-document YAML file.
/// </summary>
/// <example><code>Get-KubeDeployment web | Export-KubeManifest -Path ./web.yaml</code>Writes Deployment web as a manifest that Publish-KubeManifest or kubectl apply can recreate it from.</example>
/// <example><code>Get-KubeConfigMap | Export-KubeManifest | ConvertTo-KubeYaml</code>Shows the namespace's ConfigMaps as clean YAML.</example>
[Cmdlet(VerbsData.Export, "KubeManifest", SupportsShouldProcess = true, HelpUri = HelpLinks.ExportKubeManifest)]
[OutputType(typeof(k8s.IKubernetesObject), typeof(PSObject))]
public sealed class ExportKubeManifestCommand : PSCmdlet
{
    private readonly List<PSObject> _exported = [];

    /// <summary>An object from any Get-Kube cmdlet (or Get-KubeObject).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    /// <summary>Writes the manifests to this YAML file instead of the pipeline.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ObjectJson.ToJson(InputObject) is not { } json || (string?)json["kind"] is null)
        {
            WriteError(KubeErrors.NotAKubernetesObject(InputObject));
            return;
        }

        var clean = ManifestCleaner.Clean(json);
        var exported = ObjectJson.ToObject(clean, (string)clean["apiVersion"]!, (string)clean["kind"]!);
        if (Path is null)
        {
            WriteObject(exported);
        }
        else
        {
            _exported.Add(exported);
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Path is null || _exported.Count == 0)
        {
            return;
        }

        var file = GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(file) && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException(Messages.FileExists(file)), ErrorIds.FileExists, ErrorCategory.ResourceExists, file));
        }

        if (ShouldProcess(file, VerbsData.Export))
        {
            File.WriteAllText(file, YamlDocuments.Write(_exported.Select(o => ObjectJson.ToJson(o)!)));
        }
    }
}
