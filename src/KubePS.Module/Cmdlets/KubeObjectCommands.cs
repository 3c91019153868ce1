using System.Management.Automation;
using System.Text.Json.Nodes;
using KubePS.Module.Completion;
using KubePS.Module.Errors;
using KubePS.Module.Resources;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// What Get-KubeObject and Watch-KubeObject share: the kind, found through discovery, and the
/// namespace (or all of them) and labels that narrow it.
/// </summary>
public abstract class KindScopedCmdlet : KubeApiCmdlet
{
    /// <summary>The kind: its name, plural, singular or short name, optionally with ".group".</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>The namespace (namespaced kinds); the session's namespace when omitted.</summary>
    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Objects of every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AllNamespaces")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Only objects whose labels match this label selector, e.g. app=web,tier!=db.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelSelector { get; set; }

    /// <summary>The namespace to read a resource in: none for cluster-scoped kinds and -AllNamespaces.</summary>
    protected string? NamespaceFor(ApiResource resource) => resource.Namespaced && !AllNamespaces ? Namespace ?? Connection.Namespace : null;
}

/// <summary>
/// Gets objects of any kind the server serves, found through discovery by kind, plural, singular or
/// short name ("Deployment", "deployments", "deploy", "deployments.apps"): built-in kinds as the
/// module's typed objects, others (custom resources) as PSCustomObjects.
/// </summary>
/// <example><code>Get-KubeObject -Kind Lease -Namespace kube-node-lease</code>Gets the nodes' heartbeat Leases, a kind with no cmdlet of its own.</example>
/// <example><code>Get-KubeObject deploy -AllNamespaces -LabelSelector app=web</code>Gets the Deployments labelled app=web in every namespace, by the short name kubectl uses.</example>
[Cmdlet(VerbsCommon.Get, "KubeObject", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.KubeObject)]
[OutputType(typeof(k8s.IKubernetesObject), typeof(PSObject))]
public sealed class GetKubeObjectCommand : KindScopedCmdlet
{
    /// <summary>Names of the objects to get; wildcards select among all of them. All objects when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only objects whose fields match this field selector, e.g. status.phase=Running.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FieldSelector { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunForItem(Kind, async (writer, ct) =>
        {
            var resource = await Connection.Resources.ResolveAsync(Kind, ct);
            var ns = NamespaceFor(resource);
            var exact = Name?.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList() ?? [];
            if (Name is not null && exact.Count == Name.Length && LabelSelector is null && FieldSelector is null && !AllNamespaces)
            {
                foreach (var name in exact)
                {
                    try
                    {
                        writer.Object(ObjectJson.ToObject(await Connection.Client.GetAsync(resource, ns, name, ct), resource.ApiVersion, resource.Kind));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        writer.Error(KubeErrors.FromException(e, name));
                    }
                }

                return;
            }

            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            var items = await Connection.Client.ListAsync(resource, ns, LabelSelector, FieldSelector, ct);
            foreach (var item in items.Where(i => patterns is null || patterns.Any(p => p.IsMatch(NameOf(i))))
                         .OrderBy(i => (string?)i["metadata"]?["namespace"], StringComparer.Ordinal).ThenBy(NameOf, StringComparer.Ordinal))
            {
                writer.Object(ObjectJson.ToObject(item, resource.ApiVersion, resource.Kind));
            }

            foreach (var missing in exact.Where(n => !items.Any(i => NameOf(i) == n)))
            {
                writer.Error(KubeErrors.NotFound(resource, ns, missing));
            }
        });
    }

    internal static string NameOf(JsonObject item) => (string?)item["metadata"]?["name"] ?? "";
}

/// <summary>
/// Removes objects of any kind: by -Kind and -Name, or objects piped from any Get-Kube cmdlet or
/// ConvertFrom-KubeYaml. -Wait waits until each one is gone, not only marked for deletion.
/// </summary>
/// <example><code>Remove-KubeObject -Kind Lease -Name old-node -Namespace kube-node-lease</code>Removes one object of a kind that has no Remove- cmdlet of its own.</example>
/// <example><code>Get-KubeConfigMap -Name 'test-*' | Remove-KubeObject -Confirm:$false -Wait</code>Removes the ConfigMaps whose names start with test- and waits until they are gone.</example>
[Cmdlet(VerbsCommon.Remove, "KubeObject", SupportsShouldProcess = true, DefaultParameterSetName = "Kind", HelpUri = HelpLinks.KubeObject)]
[OutputType(typeof(void))]
public sealed class RemoveKubeObjectCommand : KubeApiCmdlet
{
    /// <summary>The kind: its name, plural, singular or short name, optionally with ".group".</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Kind")]
    [ArgumentCompleter(typeof(KindCompleter))]
    [ValidateNotNullOrEmpty]
    public string Kind { get; set; } = "";

    /// <summary>Names of the objects to remove.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Kind")]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>The namespace of the objects (namespaced kinds); the session's namespace when omitted.</summary>
    [Parameter(ParameterSetName = "Kind")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>An object to remove, from any Get-Kube cmdlet or ConvertFrom-KubeYaml.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>Waits until each object is gone from the server.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            if (ObjectJson.ToJson(InputObject) is not { } json || (string?)json["kind"] is not { } kind || GetKubeObjectCommand.NameOf(json) is not { Length: > 0 } name)
            {
                WriteError(KubeErrors.NotAKubernetesObject(InputObject));
                return;
            }

            Remove(ct => Connection.Resources.ResolveAsync((string?)json["apiVersion"] ?? "", kind, ct), name, (string?)json["metadata"]?["namespace"]);
            return;
        }

        foreach (var name in Name)
        {
            Remove(ct => Connection.Resources.ResolveAsync(Kind, ct), name, Namespace);
        }
    }

    private void Remove(Func<CancellationToken, Task<ApiResource>> resolve, string name, string? givenNamespace)
    {
        ApiResource? resource = null;
        RunForItem(name, async (_, ct) => resource = await resolve(ct));
        if (resource is null)
        {
            return;
        }

        var ns = resource.Namespaced ? givenNamespace ?? Connection.Namespace : null;
        var target = Messages.ObjectTarget(resource.Label, ns, name);
        if (!ShouldProcess(target, VerbsCommon.Remove))
        {
            return;
        }

        RunForItem(name, async (writer, ct) =>
        {
            await Connection.Client.DeleteAsync(resource, ns, name, ct);
            if (Wait)
            {
                await Removal.WaitUntilGoneAsync(target, c => Connection.Client.GetAsync(resource, ns, name, c), writer, ct);
            }
        });
    }
}

/// <summary>
/// Streams the changes to objects of any kind as KubeWatchEvent objects (ADDED for what exists
/// first, then ADDED, MODIFIED and DELETED as they happen) until Ctrl+C or -Timeout.
/// </summary>
/// <example><code>Watch-KubeObject -Kind Pod -Namespace shop</code>Shows each change to the pods of namespace shop as it happens, until Ctrl+C.</example>
/// <example><code>Watch-KubeObject deployment web -Timeout 60 | Where-Object Type -eq MODIFIED</code>Collects a minute of changes to Deployment web.</example>
[Cmdlet(VerbsCommon.Watch, "KubeObject", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.KubeObject)]
[OutputType(typeof(KubeWatchEvent))]
public sealed class WatchKubeObjectCommand : KindScopedCmdlet
{
    /// <summary>Watches only the object of this name.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Stops after this many seconds; -1 (default) watches until Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RunForItem(Kind, async (writer, ct) =>
        {
            var resource = await Connection.Resources.ResolveAsync(Kind, ct);
            var ns = NamespaceFor(resource);
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (Timeout >= 0)
            {
                watching.CancelAfter(TimeSpan.FromSeconds(Timeout));
            }

            string? resourceVersion = null;
            try
            {
                // The server ends each watch after its own timeout; the next one resumes where it stopped.
                while (!watching.IsCancellationRequested)
                {
                    await foreach (var (type, json) in Connection.Client.WatchAsync(resource, ns, Name, LabelSelector, resourceVersion, null, watching.Token))
                    {
                        if (type == "ERROR")
                        {
                            throw new KubeException(Messages.WatchFailed((string?)json["message"] ?? json.ToJsonString()), null, ErrorIds.WatchFailed, ErrorCategory.ReadError);
                        }

                        resourceVersion = (string?)json["metadata"]?["resourceVersion"] ?? resourceVersion;
                        if (type != "BOOKMARK")
                        {
                            var obj = ObjectJson.ToObject(json, resource.ApiVersion, resource.Kind);
                            writer.Object(new KubeWatchEvent(type, obj, resource.Kind, GetKubeObjectCommand.NameOf(json), (string?)json["metadata"]?["namespace"]));
                        }
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
