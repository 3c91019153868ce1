using System.Globalization;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Admission;

/// <summary>
/// The ResourceQuota admission step for new objects: what the object would add (one pod, its CPU
/// and memory requests and limits, a claim's storage, one object of its kind as count/&lt;resource&gt;)
/// is added to what the namespace already uses, counted from the stored objects, and a create that
/// would take any quota over a hard limit is refused with Kubernetes' 403 naming the quota and the
/// requested, used and limited amounts. Scopes (BestEffort, NotBestEffort, Terminating,
/// NotTerminating) narrow a quota to the pods they match.
/// </summary>
public static class ResourceQuotaAdmission
{
    private static readonly (string Suffix, decimal Factor)[] BinarySuffixes =
        [("Ei", 1L << 60), ("Pi", 1L << 50), ("Ti", 1L << 40), ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10)];

    public static async Task ApplyAsync(KindInfo kind, object obj, string ns, string name, IObjectStore store, CancellationToken cancellationToken)
    {
        // Events are the cluster's own record of what happened, not something a quota should refuse.
        if (kind == KindRegistry.Event)
        {
            return;
        }

        var quotas = (await store.ListAsync(KindRegistry.ResourceQuota, ns, cancellationToken)).Items.Select(KubeJson.ToTyped<V1ResourceQuota>).ToList();
        if (quotas.Count == 0)
        {
            return;
        }

        var requested = Usage(kind, obj);
        foreach (var quota in quotas.Where(q => q.Spec?.Hard is { Count: > 0 } && Matches(q, obj)))
        {
            var tracked = requested.Keys.Where(quota.Spec.Hard.ContainsKey).ToList();
            if (tracked.Count == 0)
            {
                continue;
            }

            var used = await UsedAsync(quota, tracked, ns, store, cancellationToken);
            var exceeded = tracked.Where(r => used.GetValueOrDefault(r) + requested[r] > quota.Spec.Hard[r].ToDecimal()).Order(StringComparer.Ordinal).ToList();
            if (exceeded.Count > 0)
            {
                string Amounts(Func<string, string> amount) => string.Join(',', exceeded.Select(r => $"{r}={amount(r)}"));
                throw ApiException.Forbidden(kind, name,
                    $"exceeded quota: {quota.Metadata.Name}, requested: {Amounts(r => Format(requested[r], quota.Spec.Hard[r]))}, "
                    + $"used: {Amounts(r => Format(used.GetValueOrDefault(r), quota.Spec.Hard[r]))}, limited: {Amounts(r => quota.Spec.Hard[r].ToString())}");
            }
        }
    }

    /// <summary>What one object adds to the quota resources it counts against.</summary>
    public static Dictionary<string, decimal> Usage(KindInfo kind, object obj)
    {
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { [$"count/{kind.QualifiedResource}"] = 1 };
        switch (obj)
        {
            case V1Pod pod when pod.Status?.Phase is not ("Succeeded" or "Failed"):
                usage["pods"] = 1;
                AddCompute(usage, pod.Spec);
                break;
            case V1Pod:
                usage.Clear();
                break;
            case V1Service service:
                usage["services"] = 1;
                usage["services.nodeports"] = service.Spec?.Type is "NodePort" or "LoadBalancer" ? service.Spec.Ports?.Count ?? 0 : 0;
                usage["services.loadbalancers"] = service.Spec?.Type == "LoadBalancer" ? 1 : 0;
                break;
            case V1PersistentVolumeClaim claim:
                usage["persistentvolumeclaims"] = 1;
                usage["requests.storage"] = claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var storage) == true ? storage.ToDecimal() : 0;
                break;
            case V1ConfigMap:
                usage["configmaps"] = 1;
                break;
            case V1Secret:
                usage["secrets"] = 1;
                break;
            case V1ResourceQuota:
                usage["resourcequotas"] = 1;
                break;
        }

        return usage;
    }

    private static void AddCompute(Dictionary<string, decimal> usage, V1PodSpec spec)
    {
        var containers = spec.Containers ?? [];
        decimal Sum(Func<V1Container, IDictionary<string, ResourceQuantity>?> amounts, string resource) =>
            containers.Sum(c => amounts(c)?.TryGetValue(resource, out var q) == true ? q.ToDecimal() : 0);

        // A request left out is the limit given, as the API server defaults it.
        IDictionary<string, ResourceQuantity>? RequestsOf(V1Container c) => c.Resources?.Requests is { Count: > 0 } r ? r : c.Resources?.Limits;
        foreach (var resource in new[] { "cpu", "memory", "ephemeral-storage" })
        {
            usage[$"requests.{resource}"] = Sum(RequestsOf, resource);
            usage[$"limits.{resource}"] = Sum(c => c.Resources?.Limits, resource);
        }

        usage["cpu"] = usage["requests.cpu"];
        usage["memory"] = usage["requests.memory"];
    }

    private static bool Matches(V1ResourceQuota quota, object obj)
    {
        if (quota.Spec.Scopes is not { Count: > 0 } scopes)
        {
            return true;
        }

        if (obj is not V1Pod pod)
        {
            return false;
        }

        var bestEffort = (pod.Spec.Containers ?? []).Concat(pod.Spec.InitContainers ?? [])
            .All(c => c.Resources?.Requests is not { Count: > 0 } && c.Resources?.Limits is not { Count: > 0 });
        var terminating = pod.Spec.ActiveDeadlineSeconds is not null;
        return scopes.All(scope => scope switch
        {
            "BestEffort" => bestEffort,
            "NotBestEffort" => !bestEffort,
            "Terminating" => terminating,
            "NotTerminating" => !terminating,
            _ => true,
        });
    }

    /// <summary>What the namespace's objects that the quota's scopes match use of <paramref name="resources"/>.</summary>
    public static async Task<Dictionary<string, decimal>> UsedAsync(
        V1ResourceQuota quota, List<string> resources, string ns, IObjectStore store, CancellationToken cancellationToken)
    {
        var used = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var kinds = KindRegistry.All.Where(k => k.Namespaced && resources.Any(r => Counts(k, r))).Distinct();
        foreach (var kind in kinds)
        {
            foreach (var item in (await store.ListAsync(kind, ns, cancellationToken)).Items)
            {
                var obj = KubeJson.ToTyped(item, kind.ClrType);
                if (!Matches(quota, obj))
                {
                    continue;
                }

                foreach (var (resource, amount) in Usage(kind, obj))
                {
                    used[resource] = used.GetValueOrDefault(resource) + amount;
                }
            }
        }

        return used;
    }

    private static bool Counts(KindInfo kind, string resource) =>
        resource == $"count/{kind.QualifiedResource}"
        || (kind == KindRegistry.Pod && (resource is "pods" or "cpu" or "memory" || resource.StartsWith("requests.", StringComparison.Ordinal) && resource != "requests.storage" || resource.StartsWith("limits.", StringComparison.Ordinal)))
        || (kind == KindRegistry.Service && resource.StartsWith("services", StringComparison.Ordinal))
        || (kind == KindRegistry.PersistentVolumeClaim && resource is "persistentvolumeclaims" or "requests.storage")
        || (kind == KindRegistry.ConfigMap && resource == "configmaps")
        || (kind == KindRegistry.Secret && resource == "secrets")
        || (kind == KindRegistry.ResourceQuota && resource == "resourcequotas");

    /// <summary>An amount in the hard limit's own notation: 512Mi next to 1Gi, 1500m next to 2.</summary>
    public static string Format(decimal value, ResourceQuantity like)
    {
        if (like.Format == ResourceQuantity.SuffixFormat.BinarySI && value > 0)
        {
            foreach (var (suffix, factor) in BinarySuffixes)
            {
                if (value % factor == 0)
                {
                    return (value / factor).ToString(CultureInfo.InvariantCulture) + suffix;
                }
            }
        }

        return value == decimal.Truncate(value)
            ? decimal.Truncate(value).ToString(CultureInfo.InvariantCulture)
            : decimal.Truncate(value * 1000).ToString(CultureInfo.InvariantCulture) + "m";
    }
}
