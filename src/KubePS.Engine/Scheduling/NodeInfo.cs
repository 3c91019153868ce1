using System.Runtime.CompilerServices;
using k8s.Models;
using KubePS.Core.Resources;
using KubePS.Engine.Scheduling.Plugins;

namespace KubePS.Engine.Scheduling;

/// <summary>A node as the scheduler sees it: the node, the pods on it (bound or assumed), and their sums.</summary>
public sealed class NodeInfo
{
    private static readonly ConditionalWeakTable<V1Pod, StrongBox<ResourceAmount>> ParsedRequests = new();
    private bool? _ready;

    public NodeInfo(V1Node node, IEnumerable<V1Pod> pods)
    {
        Node = node;
        Pods = pods.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        Requested = Pods.Aggregate(default(ResourceAmount), (sum, p) => sum + RequestsOf(p));
        Allocatable = ResourceAmount.From(node.Status?.Allocatable ?? node.Status?.Capacity);
        MaxPods = (node.Status?.Allocatable ?? node.Status?.Capacity) is { } list && list.TryGetValue("pods", out var max) ? max.ToDecimal() : null;
    }

    public V1Node Node { get; }

    public string Name => Node.Metadata.Name;

    public IDictionary<string, string> Labels => Node.Metadata.Labels ?? new Dictionary<string, string>();

    public List<V1Pod> Pods { get; }

    public ResourceAmount Requested { get; private set; }

    public ResourceAmount Allocatable { get; }

    /// <summary>How many pods the node takes (its allocatable <c>pods</c>), or null when it does not say.</summary>
    public decimal? MaxPods { get; }

    /// <summary>Whether the node is Ready with a fresh heartbeat at <paramref name="now"/> (worked out once per snapshot).</summary>
    public bool IsReadyAt(DateTime now) => _ready ??= NodeReadyFilter.IsReady(Node, now);

    /// <summary>Counts a pod the scheduler just placed here, before the watch reports it bound.</summary>
    public void Assume(V1Pod pod)
    {
        Pods.Add(pod);
        Requested += RequestsOf(pod);
    }

    // A pod object from the informer never changes, so its requests are parsed once, not every round.
    private static ResourceAmount RequestsOf(V1Pod pod) => ParsedRequests.GetValue(pod, p => new StrongBox<ResourceAmount>(PodResources.Requests(p.Spec))).Value;
}
