using k8s.Models;

namespace KubePS.Engine.Scheduling;

/// <summary>Whether a node satisfies a pod's <c>nodeSelector</c> and required node affinity, with Kubernetes' operators.</summary>
public static class NodeAffinity
{
    public static bool Matches(V1PodSpec spec, V1Node node)
    {
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        if (spec.NodeSelector is { } selector && selector.Any(s => !labels.TryGetValue(s.Key, out var v) || v != s.Value))
        {
            return false;
        }

        var terms = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        return terms is not { Count: > 0 } || terms.Any(t => TermMatches(t, node, labels));
    }

    /// <summary>Whether the node satisfies one term (a term with no requirements matches nothing, as in Kubernetes).</summary>
    public static bool TermMatches(V1NodeSelectorTerm? term, V1Node node) =>
        term is not null && TermMatches(term, node, node.Metadata.Labels ?? new Dictionary<string, string>());

    private static bool TermMatches(V1NodeSelectorTerm term, V1Node node, IDictionary<string, string> labels)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        var nodeFields = new Dictionary<string, string> { ["metadata.name"] = node.Metadata.Name };
        return expressions.All(e => Satisfies(e, labels)) && fields.All(f => Satisfies(f, nodeFields));
    }

    private static bool Satisfies(V1NodeSelectorRequirement requirement, IDictionary<string, string> values)
    {
        var present = values.TryGetValue(requirement.Key, out var value);
        var wanted = requirement.Values ?? [];
        return requirement.OperatorProperty switch
        {
            "In" => present && wanted.Contains(value!),
            "NotIn" => !present || !wanted.Contains(value!),
            "Exists" => present,
            "DoesNotExist" => !present,
            "Gt" => present && long.TryParse(value, out var gt) && wanted.Count == 1 && long.TryParse(wanted[0], out var lower) && gt > lower,
            "Lt" => present && long.TryParse(value, out var lt) && wanted.Count == 1 && long.TryParse(wanted[0], out var upper) && lt < upper,
            _ => false,
        };
    }
}
