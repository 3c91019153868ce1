using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>Get-Kube&lt;Kind&gt; for a namespaced kind: the session's namespace, another one, or -AllNamespaces.</summary>
public abstract class GetNamespacedKubeObjectCmdlet<TObject> : GetKubeObjectCmdlet<TObject>
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The namespace to look in; the session's namespace (default) when omitted.</summary>
    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Objects of every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AllNamespaces")]
    public SwitchParameter AllNamespaces { get; set; }

    protected string EffectiveNamespace => Namespace ?? Connection.Namespace;

    protected abstract Task<IList<TObject>> ListInAsync(string ns, string? labelSelector, CancellationToken cancellationToken);

    protected abstract Task<IList<TObject>> ListEverywhereAsync(string? labelSelector, CancellationToken cancellationToken);

    protected abstract Task<TObject> ReadInAsync(string ns, string name, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override Task<IList<TObject>> ListAsync(string? labelSelector, CancellationToken cancellationToken) =>
        AllNamespaces ? ListEverywhereAsync(labelSelector, cancellationToken) : ListInAsync(EffectiveNamespace, labelSelector, cancellationToken);

    /// <inheritdoc />
    protected override async Task<TObject> ReadAsync(string name, CancellationToken cancellationToken)
    {
        if (!AllNamespaces)
        {
            return await ReadInAsync(EffectiveNamespace, name, cancellationToken);
        }

        return (await ListEverywhereAsync(null, cancellationToken)).FirstOrDefault(o => o.Metadata.Name == name)
            ?? throw new Errors.KubeException(Messages.NotFoundAnywhere(Kind, name), null, Errors.ErrorIds.NotFound, ErrorCategory.ObjectNotFound);
    }

    /// <summary>The resource's plural name, for messages ("configmaps").</summary>
    protected abstract string Kind { get; }
}

/// <summary>New-Kube&lt;Kind&gt; for a namespaced kind.</summary>
public abstract class NewNamespacedKubeObjectCmdlet<TObject> : NewKubeObjectCmdlet<TObject>
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The namespace of the new object; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    protected string EffectiveNamespace => Namespace ?? Connection.Namespace;

    /// <summary>The kind as ShouldProcess names it ("configmap").</summary>
    protected abstract string KindLabel { get; }

    /// <inheritdoc />
    protected override string Target => Messages.ObjectTarget(KindLabel, EffectiveNamespace, Name);

    protected abstract TObject BuildIn(V1ObjectMeta metadata);

    protected abstract Task<TObject> CreateInAsync(string ns, TObject item, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override TObject Build(V1ObjectMeta metadata)
    {
        SetScope(metadata);
        return BuildIn(metadata);
    }

    /// <inheritdoc />
    protected override void SetScope(V1ObjectMeta metadata) => metadata.NamespaceProperty = EffectiveNamespace;

    /// <inheritdoc />
    protected override Task<TObject> CreateAsync(TObject item, CancellationToken cancellationToken) =>
        CreateInAsync(EffectiveNamespace, item, cancellationToken);
}

/// <summary>Remove-Kube&lt;Kind&gt; for a namespaced kind.</summary>
public abstract class RemoveNamespacedKubeObjectCmdlet<TObject> : RemoveKubeObjectCmdlet<TObject>
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The namespace of the objects; the session's namespace (default) when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    protected string EffectiveNamespace => Namespace ?? Connection.Namespace;

    /// <summary>The kind as ShouldProcess names it ("configmap").</summary>
    protected abstract string KindLabel { get; }

    /// <inheritdoc />
    protected override string TargetOf(string name) => Messages.ObjectTarget(KindLabel, EffectiveNamespace, name);
}

/// <summary>
/// Set-Kube&lt;Kind&gt;: changes an object on the server. With -Name, the cmdlet's parameters change the
/// current object; with -InputObject (an object from Get-Kube&lt;Kind&gt;, maybe changed in the session),
/// the parameters change that object and it replaces the stored one, so a 409 Conflict says someone
/// changed the object since it was read.
/// </summary>
public abstract class SetKubeObjectCmdlet<TObject> : KubeApiCmdlet
    where TObject : class, IKubernetesObject<V1ObjectMeta>
{
    private const int ConflictRetries = 5;

    /// <summary>The name of the object to change.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The object to change and store.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    public TObject? InputObject { get; set; }

    /// <summary>Replaces the object's labels with these.</summary>
    [Parameter]
    public System.Collections.Hashtable? Labels { get; set; }

    /// <summary>Writes the object as the server stored it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>How ShouldProcess names one object.</summary>
    protected abstract string TargetOf(string name);

    protected abstract Task<TObject> ReadAsync(string name, CancellationToken cancellationToken);

    protected abstract Task<TObject> ReplaceAsync(TObject item, CancellationToken cancellationToken);

    /// <summary>Applies the cmdlet's parameters to the current object.</summary>
    protected abstract void Change(TObject current);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var name = InputObject?.Metadata?.Name ?? Name;
        if (!ShouldProcess(TargetOf(name), VerbsCommon.Set))
        {
            return;
        }

        RunForItem(name, async (writer, ct) =>
        {
            var stored = await ChangeAndStoreAsync(name, ct);
            if (PassThru)
            {
                writer.Object(stored);
            }
        });
    }

    // By name, a write that loses a race with a controller's (a status update) reads again and
    // retries, as kubectl's patches do; an -InputObject's 409 is the user's to see.
    private async Task<TObject> ChangeAndStoreAsync(string name, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var item = InputObject ?? await ReadAsync(name, cancellationToken);
            if (Labels is not null)
            {
                item.Metadata.Labels = Values.Strings(Labels);
            }

            Change(item);
            try
            {
                return await ReplaceAsync(item, cancellationToken);
            }
            catch (Exception e) when (InputObject is null && attempt < ConflictRetries && KubeErrors.IsConflict(e))
            {
            }
        }
    }
}

/// <summary>Set-Kube&lt;Kind&gt; for a namespaced kind.</summary>
public abstract class SetNamespacedKubeObjectCmdlet<TObject> : SetKubeObjectCmdlet<TObject>
    where TObject : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The namespace of the object; the session's namespace (default) when omitted.</summary>
    [Parameter(ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    protected string EffectiveNamespace => InputObject?.Metadata?.NamespaceProperty ?? Namespace ?? Connection.Namespace;

    /// <summary>The kind as ShouldProcess names it ("configmap").</summary>
    protected abstract string KindLabel { get; }

    /// <inheritdoc />
    protected override string TargetOf(string name) => Messages.ObjectTarget(KindLabel, EffectiveNamespace, name);
}
