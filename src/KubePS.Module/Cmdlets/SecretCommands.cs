using System.Collections;
using System.Management.Automation;
using System.Text;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets Secrets (their values stay base64-decoded bytes in .Data).</summary>
/// <example><code>[Text.Encoding]::UTF8.GetString((Get-KubeSecret db).Data['password'])</code>Reads one key of Secret db.</example>
[Cmdlet(VerbsCommon.Get, "KubeSecret", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Secret)]
[OutputType(typeof(V1Secret))]
public sealed class GetKubeSecretCommand : GetNamespacedKubeObjectCmdlet<V1Secret>
{
    protected override string Kind => "secrets";

    protected override async Task<IList<V1Secret>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1Secret>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1Secret> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct);
}

/// <summary>Creates a Secret from a hashtable of keys and values (strings, or byte arrays for binary values).</summary>
/// <example><code>New-KubeSecret db @{ password = 's3cret' }</code>Creates an Opaque Secret.</example>
[Cmdlet(VerbsCommon.New, "KubeSecret", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.Secret)]
[OutputType(typeof(V1Secret))]
public sealed class NewKubeSecretCommand : NewNamespacedKubeObjectCmdlet<V1Secret>
{
    /// <summary>The keys and values, e.g. @{ password = 's3cret' }.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public Hashtable? Data { get; set; }

    /// <summary>The secret's type (default Opaque).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Type { get; set; } = "Opaque";

    protected override string KindLabel => "secret";

    protected override V1Secret BuildIn(V1ObjectMeta metadata) =>
        new() { ApiVersion = "v1", Kind = "Secret", Metadata = metadata, Type = Type, Data = Data is null ? null : Values.Bytes(Data) };

    protected override Task<V1Secret> CreateInAsync(string ns, V1Secret item, CancellationToken ct) =>
        Client.CoreV1.CreateNamespacedSecretAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a Secret: -Data replaces its keys, or -InputObject replaces the whole object.</summary>
/// <example><code>Set-KubeSecret db @{ password = 'n3w' }</code>Replaces Secret db's keys.</example>
[Cmdlet(VerbsCommon.Set, "KubeSecret", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Secret)]
[OutputType(typeof(V1Secret))]
public sealed class SetKubeSecretCommand : SetNamespacedKubeObjectCmdlet<V1Secret>
{
    /// <summary>The new keys and values; keys not given are removed.</summary>
    [Parameter(Position = 1)]
    public Hashtable? Data { get; set; }

    protected override string KindLabel => "secret";

    protected override void Change(V1Secret current)
    {
        if (Data is not null)
        {
            current.Data = Values.Bytes(Data);
            current.StringData = null;
        }
    }

    protected override Task<V1Secret> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedSecretAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Secret> ReplaceAsync(V1Secret item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedSecretAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes Secrets.</summary>
/// <example><code>Remove-KubeSecret db</code>Removes Secret db.</example>
[Cmdlet(VerbsCommon.Remove, "KubeSecret", SupportsShouldProcess = true, HelpUri = HelpLinks.Secret)]
[OutputType(typeof(V1Secret))]
public sealed class RemoveKubeSecretCommand : RemoveNamespacedKubeObjectCmdlet<V1Secret>
{
    protected override string KindLabel => "secret";

    protected override async Task<V1Secret?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.CoreV1.DeleteNamespacedSecretAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1Secret> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedSecretAsync(name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Hashtables from the command line as the string and byte maps objects hold.</summary>
internal static class Values
{
    public static Dictionary<string, string> Strings(Hashtable table) =>
        table.Cast<DictionaryEntry>().ToDictionary(
            e => LanguagePrimitives.ConvertTo<string>(e.Key), e => LanguagePrimitives.ConvertTo<string>(e.Value), StringComparer.Ordinal);

    /// <summary>Resource amounts (2, '500m', '1Gi') by resource name, as Kubernetes quantities.</summary>
    public static Dictionary<string, ResourceQuantity> Quantities(Hashtable table) =>
        Strings(table).ToDictionary(e => e.Key, e => new ResourceQuantity(e.Value), StringComparer.Ordinal);

    public static Dictionary<string, ResourceQuantity>? QuantitiesOrNull(Hashtable? table) => table is null ? null : Quantities(table);

    public static Dictionary<string, byte[]> Bytes(Hashtable table) =>
        table.Cast<DictionaryEntry>().ToDictionary(
            e => LanguagePrimitives.ConvertTo<string>(e.Key),
            e => e.Value is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(LanguagePrimitives.ConvertTo<string>(e.Value)),
            StringComparer.Ordinal);
}
