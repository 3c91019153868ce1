using k8s.Models;
using KubePS.Core.Resources;

namespace KubePS.Engine.Scheduling;

/// <summary>
/// The nodes (by name) and their pods at one moment, shared by every plugin for one decision. It keeps
/// what plugins would otherwise recompute per node: per-decision state (Kubernetes' CycleState), the
/// placed pods by label, and the placed pods with required anti-affinity.
/// </summary>
public sealed class ClusterSnapshot(IReadOnlyList<NodeInfo> nodes, DateTime now)
{
    private readonly Dictionary<string, object?> _cycle = new(StringComparer.Ordinal);
    private Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>>? _byLabel;
    private AntiAffinityTerms? _antiAffinity;

    public IReadOnlyList<NodeInfo> Nodes { get; } = nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();

    public DateTime Now { get; } = now;

    public IEnumerable<(V1Pod Pod, NodeInfo Node)> PlacedPods => Nodes.SelectMany(n => n.Pods.Select(p => (p, n)));

    /// <summary>Whether any placed pod has required pod anti-affinity (which every incoming pod must respect).</summary>
    public bool HasRequiredAntiAffinity() => (_antiAffinity ??= new AntiAffinityTerms(PlacedPods)).Count > 0;

    /// <summary>The required anti-affinity terms of placed pods that could select <paramref name="pod"/>; callers still match each term.</summary>
    public IEnumerable<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> AntiAffinityTermsFor(V1Pod pod) =>
        (_antiAffinity ??= new AntiAffinityTerms(PlacedPods)).For(pod);

    /// <summary>
    /// The placed pods a label selector could match: those carrying its narrowest <c>matchLabels</c> pair,
    /// or every placed pod when it has none. Callers still apply the whole selector.
    /// </summary>
    public IEnumerable<(V1Pod Pod, NodeInfo Node)> Candidates(V1LabelSelector? selector)
    {
        if (selector?.MatchLabels is not { Count: > 0 } labels)
        {
            return PlacedPods;
        }

        _byLabel ??= IndexByLabel();
        return labels.Select(l => _byLabel.GetValueOrDefault((l.Key, l.Value)) ?? []).MinBy(l => l.Count)!;
    }

    /// <summary>Counts a pod the scheduler just placed on <paramref name="node"/>, before the watch reports it bound.</summary>
    public void Assume(NodeInfo node, V1Pod pod)
    {
        node.Assume(pod);
        foreach (var label in pod.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (_byLabel is not null)
            {
                Add(_byLabel, (label.Key, label.Value), (pod, node));
            }
        }

        _antiAffinity?.Add(pod, node);
    }

    /// <summary>The pod's own requests, worked out once per decision.</summary>
    public ResourceAmount RequestsOf(V1Pod pod) => CycleState("requests", () => PodResources.Requests(pod.Spec));

    /// <summary>What a plugin works out once per decision (its pre-filter), kept until the next decision.</summary>
    public T CycleState<T>(string key, Func<T> compute)
    {
        if (!_cycle.TryGetValue(key, out var value))
        {
            _cycle[key] = value = compute();
        }

        return (T)value!;
    }

    /// <summary>Starts a decision: what plugins kept for the previous pod is dropped.</summary>
    public void BeginCycle() => _cycle.Clear();

    /// <summary>
    /// The cluster as <paramref name="pod"/> must see it: pods that preemption nominated to a node, of
    /// its priority or higher, count there as if placed, so the room freed for them is not taken.
    /// </summary>
    public ClusterSnapshot WithNominated(IReadOnlyList<V1Pod> nominated, V1Pod pod)
    {
        var priority = pod.Spec.Priority ?? 0;
        var waiting = nominated.Where(p => p.Metadata.Uid != pod.Metadata.Uid && (p.Spec.Priority ?? 0) >= priority)
            .ToLookup(p => p.Status.NominatedNodeName);
        if (waiting.Count == 0)
        {
            return this;
        }

        return new ClusterSnapshot(Nodes.Select(n => waiting.Contains(n.Name) ? new NodeInfo(n.Node, n.Pods.Concat(waiting[n.Name])) : n).ToList(), Now);
    }

    private Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>> IndexByLabel()
    {
        var index = new Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node)>>();
        foreach (var (pod, node) in PlacedPods)
        {
            foreach (var label in pod.Metadata.Labels ?? new Dictionary<string, string>())
            {
                Add(index, (label.Key, label.Value), (pod, node));
            }
        }

        return index;
    }

    internal static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> index, TKey key, TValue value)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(value);
    }
}

/// <summary>
/// Placed pods' required anti-affinity terms, indexed by one <c>matchLabels</c> pair of each term, so an
/// incoming pod meets only the terms that could select it (terms without matchLabels are always met).
/// </summary>
internal sealed class AntiAffinityTerms
{
    private readonly Dictionary<(string Key, string Value), List<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)>> _byLabel = [];
    private readonly List<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> _unindexed = [];

    public AntiAffinityTerms(IEnumerable<(V1Pod Pod, NodeInfo Node)> placed)
    {
        foreach (var (pod, node) in placed)
        {
            Add(pod, node);
        }
    }

    public int Count { get; private set; }

    public void Add(V1Pod pod, NodeInfo node)
    {
        foreach (var term in pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            Count++;
            if (term.LabelSelector?.MatchLabels is { Count: > 0 } labels)
            {
                var (key, value) = labels.First();
                ClusterSnapshot.Add(_byLabel, (key, value), (pod, node, term));
            }
            else
            {
                _unindexed.Add((pod, node, term));
            }
        }
    }

    public IEnumerable<(V1Pod Pod, NodeInfo Node, V1PodAffinityTerm Term)> For(V1Pod pod) =>
        _unindexed.Concat((pod.Metadata.Labels ?? new Dictionary<string, string>())
            .SelectMany(l => _byLabel.GetValueOrDefault((l.Key, l.Value)) ?? []));
}
