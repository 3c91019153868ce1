using System.Collections;
using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets ConfigMaps.</summary>
/// <example><code>Get-KubeConfigMap</code>Lists the ConfigMaps of the session's namespace.</example>
/// <example><code>(Get-KubeConfigMap app).Data['mode']</code>Reads one value.</example>
[Cmdlet(VerbsCommon.Get, "KubeConfigMap", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.ConfigMap)]
[OutputType(typeof(V1ConfigMap))]
public sealed class GetKubeConfigMapCommand : GetNamespacedKubeObjectCmdlet<V1ConfigMap>
{
    protected override string Kind => "configmaps";

    protected override async Task<IList<V1ConfigMap>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1ConfigMap>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1ConfigMap> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a ConfigMap from a hashtable of keys and values.</summary>
/// <example><code>New-KubeConfigMap app @{ mode = 'fast'; 'app.conf' = (Get-Content -Raw ./app.conf) }</code>Creates a ConfigMap from values and a file.</example>
[Cmdlet(VerbsCommon.New, "KubeConfigMap", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.ConfigMap)]
[OutputType(typeof(V1ConfigMap))]
public sealed class NewKubeConfigMapCommand : NewNamespacedKubeObjectCmdlet<V1ConfigMap>
{
    /// <summary>The keys and values, e.g. @{ 'app.conf' = (Get-Content -Raw app.conf); mode = 'fast' }.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public Hashtable? Data { get; set; }

    protected override string KindLabel => "configmap";

    protected override V1ConfigMap BuildIn(V1ObjectMeta metadata) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = metadata, Data = Data is null ? null : Values.Strings(Data) };

    protected override Task<V1ConfigMap> CreateInAsync(string ns, V1ConfigMap item, CancellationToken ct) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a ConfigMap: -Data replaces its keys, or -InputObject replaces the whole object.</summary>
/// <example><code>Set-KubeConfigMap app @{ mode = 'safe' }</code>Replaces ConfigMap app's keys.</example>
[Cmdlet(VerbsCommon.Set, "KubeConfigMap", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.ConfigMap)]
[OutputType(typeof(V1ConfigMap))]
public sealed class SetKubeConfigMapCommand : SetNamespacedKubeObjectCmdlet<V1ConfigMap>
{
    /// <summary>The new keys and values; keys not given are removed.</summary>
    [Parameter(Position = 1)]
    public Hashtable? Data { get; set; }

    protected override string KindLabel => "configmap";

    protected override void Change(V1ConfigMap current)
    {
        if (Data is not null)
        {
            current.Data = Values.Strings(Data);
        }
    }

    protected override Task<V1ConfigMap> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedConfigMapAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1ConfigMap> ReplaceAsync(V1ConfigMap item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedConfigMapAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes ConfigMaps.</summary>
/// <example><code>Remove-KubeConfigMap app</code>Removes ConfigMap app.</example>
/// <example><code>Get-KubeConfigMap -LabelSelector temp=true | Remove-KubeConfigMap -Confirm:$false</code>Removes the ConfigMaps labelled temp=true.</example>
[Cmdlet(VerbsCommon.Remove, "KubeConfigMap", SupportsShouldProcess = true, HelpUri = HelpLinks.ConfigMap)]
[OutputType(typeof(V1ConfigMap))]
public sealed class RemoveKubeConfigMapCommand : RemoveNamespacedKubeObjectCmdlet<V1ConfigMap>
{
    protected override string KindLabel => "configmap";

    protected override async Task<V1ConfigMap?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.CoreV1.DeleteNamespacedConfigMapAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1ConfigMap> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedConfigMapAsync(name, EffectiveNamespace, cancellationToken: ct);
}
