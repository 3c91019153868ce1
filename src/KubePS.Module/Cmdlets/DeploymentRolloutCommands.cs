using System.Management.Automation;
using System.Text.Json;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;
using KubePS.Module.Errors;
using KubePS.Module.Pipeline;

namespace KubePS.Module.Cmdlets;

/// <summary>The rollout cmdlets' shared shape: Deployments by name (or piped), in a namespace, each acted on in turn.</summary>
public abstract class DeploymentActionCmdlet : KubeApiCmdlet
{
    /// <summary>Names of the Deployments.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>The Deployments' namespace; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Writes the Deployment as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected string EffectiveNamespace => Namespace ?? Connection.Namespace;

    /// <summary>What ShouldProcess says the cmdlet does ("Restart"); null for cmdlets that change nothing.</summary>
    protected abstract string? Action { get; }

    protected abstract Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (Action is { } action && !ShouldProcess(Messages.ObjectTarget("deployment", EffectiveNamespace, name), action))
            {
                continue;
            }

            RunForItem(name, async (writer, ct) =>
            {
                var deployment = await ActAsync(name, writer, ct);
                if (PassThru)
                {
                    writer.Object(deployment);
                }
            });
        }
    }

    protected Task<V1Deployment> PatchAsync(string name, object patch, CancellationToken cancellationToken) =>
        Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch), name, EffectiveNamespace, cancellationToken: cancellationToken);
}

/// <summary>Restarts a Deployment's pods with a rollout, as kubectl rollout restart does: a new template annotation.</summary>
/// <example><code>Restart-KubeDeployment web</code>Replaces web's pods with a rollout, as kubectl rollout restart does.</example>
[Cmdlet(VerbsLifecycle.Restart, "KubeDeployment", SupportsShouldProcess = true, HelpUri = HelpLinks.DeploymentRollout)]
[OutputType(typeof(V1Deployment))]
public sealed class RestartKubeDeploymentCommand : DeploymentActionCmdlet
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    protected override string Action => VerbsLifecycle.Restart;

    protected override Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken ct) =>
        PatchAsync(name, new { spec = new { template = new { metadata = new { annotations = new Dictionary<string, string> { [RestartedAtAnnotation] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ") } } } } }, ct);
}

/// <summary>Pauses a Deployment: template changes wait until Resume-KubeDeployment.</summary>
/// <example><code>Suspend-KubeDeployment web</code>Pauses web's rollouts: changes wait until Resume-KubeDeployment.</example>
[Cmdlet(VerbsLifecycle.Suspend, "KubeDeployment", SupportsShouldProcess = true, HelpUri = HelpLinks.DeploymentRollout)]
[OutputType(typeof(V1Deployment))]
public sealed class SuspendKubeDeploymentCommand : DeploymentActionCmdlet
{
    protected override string Action => VerbsLifecycle.Suspend;

    protected override Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken ct) =>
        PatchAsync(name, new { spec = new { paused = true } }, ct);
}

/// <summary>Resumes a paused Deployment, rolling out what changed meanwhile.</summary>
/// <example><code>Resume-KubeDeployment web</code>Lets a paused rollout of web go on.</example>
[Cmdlet(VerbsLifecycle.Resume, "KubeDeployment", SupportsShouldProcess = true, HelpUri = HelpLinks.DeploymentRollout)]
[OutputType(typeof(V1Deployment))]
public sealed class ResumeKubeDeploymentCommand : DeploymentActionCmdlet
{
    protected override string Action => VerbsLifecycle.Resume;

    protected override Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken ct) =>
        PatchAsync(name, new { spec = new { paused = (bool?)null } }, ct);
}

/// <summary>
/// Rolls a Deployment back to an earlier revision (the previous one by default), as kubectl
/// rollout undo does: the revision's pod template becomes the Deployment's again, and its
/// ReplicaSet scales back up as the newest revision.
/// </summary>
/// <example><code>Undo-KubeDeployment web</code>Rolls web back to its previous revision.</example>
/// <example><code>Undo-KubeDeployment web -ToRevision 3</code>Rolls web back to revision 3.</example>
[Cmdlet(VerbsCommon.Undo, "KubeDeployment", SupportsShouldProcess = true, HelpUri = HelpLinks.DeploymentRollout)]
[OutputType(typeof(V1Deployment))]
public sealed class UndoKubeDeploymentCommand : DeploymentActionCmdlet
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    /// <summary>The revision to return to; 0 (default) is the one before the current.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ToRevision { get; set; }

    protected override string Action => VerbsCommon.Undo;

    protected override async Task<V1Deployment> ActAsync(string name, PipelineWriter writer, CancellationToken ct)
    {
        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync(name, EffectiveNamespace, cancellationToken: ct);
        var selector = string.Join(',', deployment.Spec.Selector.MatchLabels?.Select(l => $"{l.Key}={l.Value}") ?? []);
        var revisions = (await Client.AppsV1.ListNamespacedReplicaSetAsync(EffectiveNamespace, labelSelector: selector, cancellationToken: ct)).Items
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == deployment.Metadata.Uid) == true)
            .Select(rs => (Revision: long.TryParse(rs.GetAnnotation(RevisionAnnotation), out var r) ? r : 0, Set: rs))
            .OrderByDescending(r => r.Revision)
            .ToList();
        var target = ToRevision == 0 ? revisions.Skip(1).FirstOrDefault() : revisions.FirstOrDefault(r => r.Revision == ToRevision);
        if (target.Set is null)
        {
            throw new KubeException(
                ToRevision == 0 ? Messages.NoPreviousRevision(name) : Messages.RevisionNotFound(name, ToRevision),
                null, ErrorIds.RevisionNotFound, ErrorCategory.ObjectNotFound);
        }

        var template = target.Set.Spec.Template;
        template.Metadata.Labels?.Remove("pod-template-hash");
        if (target.Revision == revisions[0].Revision)
        {
            writer.Warning(Messages.RolloutUnchanged(name, target.Revision));
            return deployment;
        }

        var patch = $$"""[{"op":"replace","path":"/spec/template","value":{{KubernetesJson.Serialize(template)}}}]""";
        return await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), name, EffectiveNamespace, cancellationToken: ct);
    }
}
