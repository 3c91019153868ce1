using System.Globalization;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Admission;

/// <summary>
/// The LimitRanger admission step, for new pods and claims in a namespace with LimitRanges: a
/// container without a limit or request of a resource gets the Container item's default and
/// defaultRequest; then min, max and maxLimitRequestRatio are checked per Container, per Pod (the
/// containers summed) and per PersistentVolumeClaim (its storage request), and a breach is refused
/// with a 403 in Kubernetes' words.
/// </summary>
public static class LimitRanger
{
    public static async Task ApplyAsync(V1Pod pod, IObjectStore store, CancellationToken cancellationToken)
    {
        var items = await ItemsAsync(store, pod.Metadata.NamespaceProperty, cancellationToken);
        if (items.Count == 0)
        {
            return;
        }

        var containers = (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers ?? []).ToList();
        foreach (var item in items.Where(i => i.Type == "Container"))
        {
            // As Kubernetes defaults a LimitRange item: a missing default is the max, a missing defaultRequest the default.
            var limitDefaults = new Dictionary<string, ResourceQuantity>(item.DefaultProperty ?? new Dictionary<string, ResourceQuantity>());
            Fill(limitDefaults, item.Max);
            var requestDefaults = new Dictionary<string, ResourceQuantity>(item.DefaultRequest ?? new Dictionary<string, ResourceQuantity>());
            Fill(requestDefaults, limitDefaults);
            foreach (var container in containers)
            {
                container.Resources ??= new V1ResourceRequirements();
                var limits = container.Resources.Limits ??= new Dictionary<string, ResourceQuantity>();
                var requests = container.Resources.Requests ??= new Dictionary<string, ResourceQuantity>();

                // A request the user left out is the limit the user gave, as the API server defaults it.
                Fill(requests, limits);
                Fill(limits, limitDefaults);
                Fill(requests, requestDefaults);
                if (limits.Count == 0)
                {
                    container.Resources.Limits = null;
                }

                if (requests.Count == 0)
                {
                    container.Resources.Requests = null;
                }
            }
        }

        var problems = new List<string>();
        foreach (var item in items)
        {
            if (item.Type == "Container")
            {
                foreach (var container in containers)
                {
                    Check(item, "Container", container.Resources?.Requests, container.Resources?.Limits, problems);
                }
            }
            else if (item.Type == "Pod")
            {
                Check(item, "Pod", Sum(containers.Select(c => c.Resources?.Requests)), Sum(containers.Select(c => c.Resources?.Limits)), problems);
            }
        }

        Refuse(KindRegistry.Pod, pod.Metadata.Name, problems);
    }

    public static async Task ApplyAsync(V1PersistentVolumeClaim claim, IObjectStore store, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var item in (await ItemsAsync(store, claim.Metadata.NamespaceProperty, cancellationToken)).Where(i => i.Type == "PersistentVolumeClaim"))
        {
            // A claim's storage request is held against both bounds.
            Check(item, "PersistentVolumeClaim", claim.Spec?.Resources?.Requests, claim.Spec?.Resources?.Requests, problems, limitWord: "request");
        }

        Refuse(KindRegistry.PersistentVolumeClaim, claim.Metadata.Name, problems);
    }

    private static async Task<List<V1LimitRangeItem>> ItemsAsync(IObjectStore store, string? ns, CancellationToken cancellationToken) =>
        (await store.ListAsync(KindRegistry.LimitRange, ns, cancellationToken)).Items
            .Select(KubeJson.ToTyped<V1LimitRange>)
            .SelectMany(l => l.Spec?.Limits ?? [])
            .ToList();

    private static void Fill(IDictionary<string, ResourceQuantity> into, IDictionary<string, ResourceQuantity>? defaults)
    {
        foreach (var (resource, amount) in defaults ?? new Dictionary<string, ResourceQuantity>())
        {
            into.TryAdd(resource, new ResourceQuantity(amount.ToString()));
        }
    }

    private static void Check(
        V1LimitRangeItem item, string scope, IDictionary<string, ResourceQuantity>? requests, IDictionary<string, ResourceQuantity>? limits,
        List<string> problems, string limitWord = "limit")
    {
        foreach (var (resource, min) in item.Min ?? new Dictionary<string, ResourceQuantity>())
        {
            if (requests?.TryGetValue(resource, out var request) != true)
            {
                problems.Add($"minimum {resource} usage per {scope} is {min}.  No request is specified");
            }
            else if (request!.ToDecimal() < min.ToDecimal())
            {
                problems.Add($"minimum {resource} usage per {scope} is {min}, but request is {request}");
            }
        }

        foreach (var (resource, max) in item.Max ?? new Dictionary<string, ResourceQuantity>())
        {
            if (limits?.TryGetValue(resource, out var limit) != true)
            {
                problems.Add($"maximum {resource} usage per {scope} is {max}.  No {limitWord} is specified");
            }
            else if (limit!.ToDecimal() > max.ToDecimal())
            {
                problems.Add($"maximum {resource} usage per {scope} is {max}, but {limitWord} is {limit}");
            }
        }

        foreach (var (resource, ratio) in item.MaxLimitRequestRatio ?? new Dictionary<string, ResourceQuantity>())
        {
            if (limits?.TryGetValue(resource, out var limit) == true && requests?.TryGetValue(resource, out var request) == true && request.ToDecimal() > 0)
            {
                var actual = limit.ToDecimal() / request.ToDecimal();
                if (actual > ratio.ToDecimal())
                {
                    problems.Add($"{resource} max limit to request ratio per {scope} is {ratio}, but provided ratio is {actual.ToString("F6", CultureInfo.InvariantCulture)}");
                }
            }
        }
    }

    private static Dictionary<string, ResourceQuantity> Sum(IEnumerable<IDictionary<string, ResourceQuantity>?> amounts) =>
        amounts.SelectMany(a => a ?? new Dictionary<string, ResourceQuantity>())
            .GroupBy(a => a.Key)
            .ToDictionary(g => g.Key, g => new ResourceQuantity(g.Sum(a => a.Value.ToDecimal()).ToString(CultureInfo.InvariantCulture)));

    private static void Refuse(KindInfo kind, string name, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw ApiException.Forbidden(kind, name, problems.Count == 1 ? problems[0] : $"[{string.Join(", ", problems)}]");
        }
    }
}
