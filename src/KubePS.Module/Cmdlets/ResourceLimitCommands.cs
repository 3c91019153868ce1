using System.Collections;
using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets ResourceQuotas; the table shows each resource's used and hard amounts side by side (pods: 3/10).</summary>
/// <example><code>Get-KubeResourceQuota -Namespace shop</code>Shows shop's quotas, used and hard amounts side by side.</example>
[Cmdlet(VerbsCommon.Get, "KubeResourceQuota", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1ResourceQuota))]
public sealed class GetKubeResourceQuotaCommand : GetNamespacedKubeObjectCmdlet<V1ResourceQuota>
{
    protected override string Kind => "resourcequotas";

    protected override async Task<IList<V1ResourceQuota>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedResourceQuotaAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1ResourceQuota>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListResourceQuotaForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1ResourceQuota> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedResourceQuotaAsync(name, ns, cancellationToken: ct);
}

/// <summary>
/// Creates a ResourceQuota: hard limits per resource name (pods, services, requests.cpu,
/// limits.memory, count/deployments.apps, ...), optionally only for pods in some scopes.
/// </summary>
/// <example><code>New-KubeResourceQuota team -Namespace shop -Hard @{ pods = 10; 'requests.cpu' = '4'; 'requests.memory' = '8Gi' }</code>Caps namespace shop.</example>
[Cmdlet(VerbsCommon.New, "KubeResourceQuota", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1ResourceQuota))]
public sealed class NewKubeResourceQuotaCommand : NewNamespacedKubeObjectCmdlet<V1ResourceQuota>
{
    /// <summary>The hard limits, e.g. @{ pods = 10; 'requests.cpu' = '2' }.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters, Position = 1)]
    public Hashtable Hard { get; set; } = [];

    /// <summary>Only pods in these scopes count: BestEffort, NotBestEffort, Terminating, NotTerminating, PriorityClass.</summary>
    [Parameter]
    [ValidateSet("BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "PriorityClass")]
    public string[]? Scope { get; set; }

    protected override string KindLabel => "resourcequota";

    protected override V1ResourceQuota BuildIn(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "v1",
        Kind = "ResourceQuota",
        Metadata = metadata,
        Spec = new V1ResourceQuotaSpec { Hard = Values.Quantities(Hard), Scopes = Scope },
    };

    protected override Task<V1ResourceQuota> CreateInAsync(string ns, V1ResourceQuota item, CancellationToken ct) =>
        Client.CoreV1.CreateNamespacedResourceQuotaAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a ResourceQuota's hard limits (-Hard replaces them all).</summary>
/// <example><code>Set-KubeResourceQuota caps -Hard @{ pods = 50; 'requests.cpu' = '8' }</code>Replaces a quota's limits.</example>
[Cmdlet(VerbsCommon.Set, "KubeResourceQuota", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1ResourceQuota))]
public sealed class SetKubeResourceQuotaCommand : SetNamespacedKubeObjectCmdlet<V1ResourceQuota>
{
    /// <summary>The new hard limits; resources not given are no longer limited.</summary>
    [Parameter(Position = 1)]
    public Hashtable? Hard { get; set; }

    protected override string KindLabel => "resourcequota";

    protected override void Change(V1ResourceQuota current)
    {
        if (Hard is not null)
        {
            current.Spec ??= new V1ResourceQuotaSpec();
            current.Spec.Hard = Values.Quantities(Hard);
        }
    }

    protected override Task<V1ResourceQuota> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedResourceQuotaAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1ResourceQuota> ReplaceAsync(V1ResourceQuota item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedResourceQuotaAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes ResourceQuotas.</summary>
/// <example><code>Remove-KubeResourceQuota caps -Namespace shop</code>Removes a quota.</example>
[Cmdlet(VerbsCommon.Remove, "KubeResourceQuota", SupportsShouldProcess = true, HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1ResourceQuota))]
public sealed class RemoveKubeResourceQuotaCommand : RemoveNamespacedKubeObjectCmdlet<V1ResourceQuota>
{
    protected override string KindLabel => "resourcequota";

    protected override async Task<V1ResourceQuota?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.CoreV1.DeleteNamespacedResourceQuotaAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1ResourceQuota> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedResourceQuotaAsync(name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Gets LimitRanges: the defaults and bounds a namespace sets on containers, pods and claims.</summary>
/// <example><code>Get-KubeLimitRange -Namespace shop</code>Lists the LimitRanges of namespace shop.</example>
[Cmdlet(VerbsCommon.Get, "KubeLimitRange", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1LimitRange))]
public sealed class GetKubeLimitRangeCommand : GetNamespacedKubeObjectCmdlet<V1LimitRange>
{
    protected override string Kind => "limitranges";

    protected override async Task<IList<V1LimitRange>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedLimitRangeAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1LimitRange>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListLimitRangeForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1LimitRange> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedLimitRangeAsync(name, ns, cancellationToken: ct);
}

/// <summary>
/// Creates a LimitRange with one limit for -Type (Container by default, or Pod, or
/// PersistentVolumeClaim): default limits and requests filled into containers that set none,
/// minimum and maximum amounts, and the largest limit-to-request ratio.
/// </summary>
/// <example><code>New-KubeLimitRange defaults -Default @{ cpu = '500m'; memory = '256Mi' } -DefaultRequest @{ cpu = '100m' }</code>Gives containers without resources these limits and requests.</example>
[Cmdlet(VerbsCommon.New, "KubeLimitRange", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1LimitRange))]
public sealed class NewKubeLimitRangeCommand : NewNamespacedKubeObjectCmdlet<V1LimitRange>
{
    /// <summary>What the limit applies to: Container (default), Pod or PersistentVolumeClaim.</summary>
    [Parameter]
    [ValidateSet("Container", "Pod", "PersistentVolumeClaim")]
    public string Type { get; set; } = "Container";

    /// <summary>Limits given to containers that set none, e.g. @{ cpu = '500m'; memory = '256Mi' }.</summary>
    [Parameter]
    public Hashtable? Default { get; set; }

    /// <summary>Requests given to containers that set none.</summary>
    [Parameter]
    public Hashtable? DefaultRequest { get; set; }

    /// <summary>The least each may request.</summary>
    [Parameter]
    public Hashtable? Min { get; set; }

    /// <summary>The most each may use.</summary>
    [Parameter]
    public Hashtable? Max { get; set; }

    /// <summary>The largest ratio of limit to request per resource, e.g. @{ cpu = 4 }.</summary>
    [Parameter]
    public Hashtable? MaxLimitRequestRatio { get; set; }

    protected override string KindLabel => "limitrange";

    protected override V1LimitRange BuildIn(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "v1",
        Kind = "LimitRange",
        Metadata = metadata,
        Spec = new V1LimitRangeSpec
        {
            Limits =
            [
                new V1LimitRangeItem
                {
                    Type = Type,
                    DefaultProperty = Values.QuantitiesOrNull(Default),
                    DefaultRequest = Values.QuantitiesOrNull(DefaultRequest),
                    Min = Values.QuantitiesOrNull(Min),
                    Max = Values.QuantitiesOrNull(Max),
                    MaxLimitRequestRatio = Values.QuantitiesOrNull(MaxLimitRequestRatio),
                },
            ],
        },
    };

    protected override Task<V1LimitRange> CreateInAsync(string ns, V1LimitRange item, CancellationToken ct) =>
        Client.CoreV1.CreateNamespacedLimitRangeAsync(item, ns, cancellationToken: ct);
}

/// <summary>Changes a LimitRange with -InputObject (an object from Get-KubeLimitRange, changed in the session), or its labels.</summary>
/// <example><code>$range = Get-KubeLimitRange defaults; $range.Spec.Limits[0].Max['cpu'] = '4'; $range | Set-KubeLimitRange</code>Changes a LimitRange read in the session.</example>
[Cmdlet(VerbsCommon.Set, "KubeLimitRange", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1LimitRange))]
public sealed class SetKubeLimitRangeCommand : SetNamespacedKubeObjectCmdlet<V1LimitRange>
{
    protected override string KindLabel => "limitrange";

    protected override void Change(V1LimitRange current)
    {
    }

    protected override Task<V1LimitRange> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedLimitRangeAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1LimitRange> ReplaceAsync(V1LimitRange item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedLimitRangeAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes LimitRanges.</summary>
/// <example><code>Remove-KubeLimitRange defaults -Namespace shop</code>Removes a LimitRange.</example>
[Cmdlet(VerbsCommon.Remove, "KubeLimitRange", SupportsShouldProcess = true, HelpUri = HelpLinks.ResourceLimits)]
[OutputType(typeof(V1LimitRange))]
public sealed class RemoveKubeLimitRangeCommand : RemoveNamespacedKubeObjectCmdlet<V1LimitRange>
{
    protected override string KindLabel => "limitrange";

    protected override async Task<V1LimitRange?> DeleteAsync(string name, CancellationToken ct)
    {
        await Client.CoreV1.DeleteNamespacedLimitRangeAsync(name, EffectiveNamespace, cancellationToken: ct);
        return null;
    }

    protected override Task<V1LimitRange> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedLimitRangeAsync(name, EffectiveNamespace, cancellationToken: ct);
}
