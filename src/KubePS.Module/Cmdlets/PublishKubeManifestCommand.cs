using System.Management.Automation;
using KubePS.Module.Completion;
using KubePS.Module.Errors;
using KubePS.Module.Manifests;
using KubePS.Module.Resources;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Applies manifests, as kubectl apply does: creates the objects that do not exist and changes the
/// ones that do to what the manifest declares, keeping kubectl's last-applied annotation so kubectl
/// and this cmdlet can take turns. -ServerSide uses server-side apply instead. Every object is
/// first dry-run on the server, so -WhatIf shows what would be created, which fields would change,
/// and what would be left alone, and nothing is applied from a batch with a manifest that does not parse.
/// </summary>
/// <example><code>Publish-KubeManifest -Path ./deploy -Recurse</code>Applies every .yaml, .yml and .json manifest under ./deploy, namespaces first, and reports each object as Created, Configured (with its changed fields) or Unchanged.</example>
/// <example><code>Publish-KubeManifest -Path ./app.yaml -WhatIf</code>Shows what applying app.yaml would create and which fields it would change, changing nothing.</example>
/// <example><code>Get-Content ./app.yaml -Raw | ConvertFrom-KubeYaml | Publish-KubeManifest -ServerSide -Force</code>Applies objects read from YAML with server-side apply, taking over fields other managers own.</example>
[Cmdlet(VerbsData.Publish, "KubeManifest", SupportsShouldProcess = true, DefaultParameterSetName = "InputObject", HelpUri = HelpLinks.PublishKubeManifest)]
[OutputType(typeof(KubeApplyResult))]
public sealed class PublishKubeManifestCommand : KubeApiCmdlet
{
    private readonly List<ManifestObject> _objects = [];

    /// <summary>Manifest files (.yaml, .yml, .json, one or many documents) or folders of them.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Also reads the manifests in the folders' subfolders.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>
    /// Objects to apply: from ConvertFrom-KubeYaml, a Get-Kube cmdlet, or hashtables shaped like
    /// manifests; files and folders from Get-ChildItem are read as -Path reads them.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>The namespace of objects whose manifest names none; the session's namespace when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Uses server-side apply: the server merges and records which fields this manager owns.</summary>
    [Parameter]
    public SwitchParameter ServerSide { get; set; }

    /// <summary>With -ServerSide, takes over fields another manager owns instead of failing with a conflict.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The field manager the server records the changes under (kubeps when omitted).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FieldManager { get; set; } = "kubeps";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            if (InputObject is not null && (InputObject is PSObject ps ? ps.BaseObject : InputObject) is FileSystemInfo item)
            {
                foreach (var file in ManifestReader.Files(item.FullName, Recurse))
                {
                    _objects.AddRange(ManifestReader.Objects(File.ReadAllText(file), file));
                }

                return;
            }

            if (InputObject is not null)
            {
                var json = ObjectJson.ToJson(InputObject)
                    ?? throw new InvalidDataException(Messages.NotAKubernetesObject(InputObject.GetType().FullName ?? "object"));
                _objects.AddRange(ManifestReader.Objects(json.ToJsonString(), Messages.PipelineSource));
                return;
            }

            foreach (var path in Path.Select(GetUnresolvedProviderPathFromPSPath))
            {
                foreach (var file in ManifestReader.Files(path, Recurse))
                {
                    _objects.AddRange(ManifestReader.Objects(File.ReadAllText(file), file));
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.ManifestNotFound, ErrorCategory.ObjectNotFound, e.Message));
        }
        catch (Exception e) when (e is InvalidDataException or YamlDotNet.Core.YamlException)
        {
            // Nothing of the batch is applied when one of its manifests cannot be read.
            ThrowTerminatingError(new ErrorRecord(new KubeException(Messages.InvalidManifest(e.Message), e), ErrorIds.InvalidYaml, ErrorCategory.InvalidData, InputObject ?? Path));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        // Namespaces first, so the objects of a folder can live in a namespace it also declares.
        var ordered = _objects.OrderBy(o => (string?)o.Json["kind"] == "Namespace" ? 0 : 1).ToList();
        var progress = new ProgressRecord(2, Messages.ApplyActivity, Messages.ApplyStatus(0, ordered.Count));
        var settings = new ApplySettings(Namespace, ServerSide, Force, FieldManager);
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered.Count > 1)
            {
                progress.StatusDescription = Messages.ApplyStatus(i, ordered.Count);
                progress.PercentComplete = i * 100 / ordered.Count;
                WriteProgress(progress);
            }

            Apply(ordered[i], settings);
        }

        if (ordered.Count > 1)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private void Apply(ManifestObject manifest, ApplySettings settings)
    {
        var label = $"{manifest.Json["kind"]} {manifest.Json["metadata"]?["name"]}";
        ApplyPlan? plan = null;
        RunForItem(label, async (_, ct) => plan = await ApplyPlan.CreateAsync(Connection, manifest, settings, ct));
        if (plan is null)
        {
            return;
        }

        var target = Messages.ObjectTarget(plan.Resource.Label, plan.Namespace, plan.Name);
        if (plan.Action == ApplyAction.Unchanged)
        {
            // Only -WhatIf asks: an unchanged object needs no confirmation.
            if (IsWhatIf && ShouldProcess(target, Messages.LeaveUnchanged))
            {
                return;
            }

            WriteObject(Result(plan, manifest, null));
            return;
        }

        var operation = plan.Action == ApplyAction.Created ? Messages.CreateOperation : Messages.UpdateOperation(plan.ChangedFields);
        if (!ShouldProcess(target, operation))
        {
            return;
        }

        RunForItem(label, async (writer, ct) => writer.Object(Result(plan, manifest, await plan.ExecuteAsync(ct))));
    }

    private bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
            ? ((SwitchParameter)given).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private static KubeApplyResult Result(ApplyPlan plan, ManifestObject manifest, System.Text.Json.Nodes.JsonObject? stored) =>
        new(plan.Action, plan.Resource.Kind, plan.Resource.Label, plan.Name, plan.Namespace, plan.ChangedFields, manifest.Source,
            stored is null ? null : ObjectJson.ToObject(stored, plan.Resource.ApiVersion, plan.Resource.Kind));
}
