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

    private const string ScoreState = "InterPodAffinity/score";

    public string Name => "InterPodAffinity";

    public int Weight => 2;

    public bool FiltersPod(V1Pod pod, ClusterSnapshot cluster) =>
        pod.Spec.Affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { Count: > 0 }
        || pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { Count: > 0 }
        || cluster.HasRequiredAntiAffinity();

    public bool ScoresPod(V1Pod pod, ClusterSnapshot cluster) =>
        pod.Spec.Affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 }
        || pod.Spec.Affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 };

    public IEnumerable<string> Filter(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var state = cluster.CycleState(Name, () => Requirements.Of(pod, cluster));
        foreach (var (key, domains, vacuous) in state.Affinity)
        {
            var satisfied = node.Labels.TryGetValue(key, out var value) && (domains.Contains(value) || vacuous);
            if (!satisfied)
            {
                return [AffinityMismatch];
            }
        }

        foreach (var (key, domains) in state.AntiAffinity)
        {
            if (node.Labels.TryGetValue(key, out var value) && domains.Contains(value))
            {
                return [AntiAffinityMismatch];
            }
        }

        // Checked last, as Kubernetes does: a pod whose own term already rules the node out is told so.
        if (state.ExistingForbidden.Count > 0)
        {
            foreach (var (key, value) in node.Labels)
            {
                if (state.ExistingForbidden.Contains((key, value)))
                {
                    return [ExistingAntiAffinity];
                }
            }
        }

        return [];
    }

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        var preferences = cluster.CycleState(ScoreState, () => Preferences(pod, cluster));
        var score = 0.0;
        foreach (var (key, weight, counts) in preferences)
        {
            if (node.Labels.TryGetValue(key, out var value))
            {
                score += weight * counts.GetValueOrDefault(value);
            }
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

    // Per preferred term: its topology key, its weight (negative for anti-affinity) and the matching pods per domain.
    private static List<(string Key, int Weight, Dictionary<string, int> Counts)> Preferences(V1Pod pod, ClusterSnapshot cluster)
    {
        var affinity = pod.Spec.Affinity;
        var terms = (affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select(t => (t.PodAffinityTerm, t.Weight))
            .Concat((affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select(t => (t.PodAffinityTerm, -t.Weight)));
        return terms.Select(t => (t.PodAffinityTerm.TopologyKey, t.Item2, DomainsOf(t.PodAffinityTerm, pod, cluster)
            .GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count()))).ToList();
    }

    // The domain (value of the term's topology key) of every placed pod the term selects.
    private static IEnumerable<string> DomainsOf(V1PodAffinityTerm term, V1Pod owner, ClusterSnapshot cluster)
    {
        foreach (var (placed, node) in cluster.Candidates(term.LabelSelector))
        {
            if (Matches(term, owner, placed) && node.Labels.TryGetValue(term.TopologyKey, out var domain))
            {
                yield return domain;
            }
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

    /// <summary>
    /// What the required terms come to for one pod, worked out once per decision: the domains placed pods'
    /// anti-affinity closes to it, and per own term the domains holding pods it selects (an affinity term
    /// that selects nothing anywhere, but would select the pod itself, is satisfied by any domain).
    /// </summary>
    private sealed record Requirements(
        HashSet<(string Key, string Value)> ExistingForbidden,
        List<(string Key, HashSet<string> Domains, bool Vacuous)> Affinity,
        List<(string Key, HashSet<string> Domains)> AntiAffinity)
    {
        public static Requirements Of(V1Pod pod, ClusterSnapshot cluster)
        {
            var forbidden = new HashSet<(string Key, string Value)>();
            foreach (var (placed, node, term) in cluster.AntiAffinityTermsFor(pod))
            {
                if (Matches(term, placed, pod) && node.Labels.TryGetValue(term.TopologyKey, out var domain))
                {
                    forbidden.Add((term.TopologyKey, domain));
                }
            }

            var affinity = (pod.Spec.Affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
                .Select(term =>
                {
                    var domains = DomainsOf(term, pod, cluster).ToHashSet();
                    var vacuous = domains.Count == 0 && !cluster.Candidates(term.LabelSelector).Any(x => Matches(term, pod, x.Pod)) && Matches(term, pod, pod);
                    return (term.TopologyKey, domains, vacuous);
                })
                .ToList();
            var antiAffinity = (pod.Spec.Affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
                .Select(term => (term.TopologyKey, DomainsOf(term, pod, cluster).ToHashSet()))
                .ToList();
            return new Requirements(forbidden, affinity, antiAffinity);
        }
    }
}
