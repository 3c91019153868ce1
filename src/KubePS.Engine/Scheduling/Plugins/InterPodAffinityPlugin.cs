using k8s.Models;
using KubePS.Core.Selectors;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>
/// Pod affinity and anti-affinity. Filter: the pod's required affinity needs a matching pod in the
/// node's topology domain (or none anywhere, when the pod would match its own term); its required
/// anti-affinity, and every placed pod's, forbid sharing a domain. Score: preferred terms' weights,
/// added for affinity and taken away for anti-affinity, per matching pod in the domain.
/// </summary>
public sealed class InterPodAffinityPlugin : IFilterPlugin, IScorePlugin
{
    public const string AffinityMismatch = "node(s) didn't match pod affinity rules";
    public const string AntiAffinityMismatch = "node(s) didn't match pod anti-affinity rules";
    public const string ExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";

    public string Name => "InterPodAffinity";

    public int Weight => 2;

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        foreach (var (placed, placedNode) in cluster.PlacedPods)
        {
            foreach (var term in placed.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            {
                if (Matches(term, placed, pod) && SameDomain(term.TopologyKey, node, placedNode))
                {
                    return [ExistingAntiAffinity];
                }
            }
        }

        foreach (var term in pod.Spec.Affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            var matching = cluster.PlacedPods.Where(x => Matches(term, pod, x.Pod)).ToList();
            var satisfied = matching.Any(x => SameDomain(term.TopologyKey, node, x.Node))
                || (matching.Count == 0 && Matches(term, pod, pod) && node.Labels.ContainsKey(term.TopologyKey));
            if (!satisfied)
            {
                return [AffinityMismatch];
            }
        }

        foreach (var term in pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            if (cluster.PlacedPods.Any(x => Matches(term, pod, x.Pod) && SameDomain(term.TopologyKey, node, x.Node)))
            {
                return [AntiAffinityMismatch];
            }
        }

        return [];
    }

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var score = 0.0;
        var affinity = pod.Spec.Affinity;
        foreach (var term in affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            score += term.Weight * cluster.PlacedPods.Count(x => Matches(term.PodAffinityTerm, pod, x.Pod) && SameDomain(term.PodAffinityTerm.TopologyKey, node, x.Node));
        }

        foreach (var term in affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
        {
            score -= term.Weight * cluster.PlacedPods.Count(x => Matches(term.PodAffinityTerm, pod, x.Pod) && SameDomain(term.PodAffinityTerm.TopologyKey, node, x.Node));
        }

        return score;
    }

    // Kubernetes' normaliser for this plugin: the range between the lowest and highest score becomes 0..100.
    public void Normalize(double[] scores)
    {
        if (scores.Length == 0)
        {
            return;
        }

        var (min, max) = (scores.Min(), scores.Max());
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = max == min ? 0 : (scores[i] - min) * 100 / (max - min);
        }
    }

    /// <summary>Whether <paramref name="other"/> is one of the pods the term (of <paramref name="owner"/>) selects.</summary>
    private static bool Matches(V1PodAffinityTerm term, V1Pod owner, V1Pod other)
    {
        if (other.Metadata.DeletionTimestamp is not null)
        {
            return false;
        }

        // An empty namespaceSelector means every namespace; otherwise the listed namespaces, or the owner's own.
        var everyNamespace = term.NamespaceSelector is { MatchLabels: null or { Count: 0 }, MatchExpressions: null or { Count: 0 } };
        var namespaces = term.Namespaces is { Count: > 0 } listed ? listed : [owner.Metadata.NamespaceProperty];
        return (everyNamespace || namespaces.Contains(other.Metadata.NamespaceProperty))
            && LabelSelector.FromObject(term.LabelSelector) is { IsEmpty: false } selector && selector.Matches(other.Metadata.Labels);
    }

    private static bool SameDomain(string key, NodeInfo a, NodeInfo b) =>
        a.Labels.TryGetValue(key, out var first) && b.Labels.TryGetValue(key, out var second) && first == second;
}
