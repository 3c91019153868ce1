using k8s.Models;

namespace KubePS.Core.Selectors;

/// <summary>The operators of a label selector requirement, as in Kubernetes' selector grammar.</summary>
public enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            _ => false,
        };
    }
}

/// <summary>
/// A parsed label selector: equality-based (<c>a=b,c!=d</c>) and set-based
/// (<c>env in (a,b)</c>, <c>tier notin (x)</c>, <c>key</c>, <c>!key</c>) requirements, all ANDed.
/// </summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IDictionary<string, string>? labels) => Requirements.All(r => r.Matches(labels));

    /// <summary>Parses the query-string form; throws <see cref="FormatException"/> on bad syntax.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var term in SplitTerms(text))
        {
            requirements.Add(ParseTerm(term.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>Builds the selector of a <see cref="V1LabelSelector"/> (matchLabels and matchExpressions).</summary>
    public static LabelSelector FromObject(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return Everything;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add(new LabelRequirement(key, LabelOperator.Equals, [value]));
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var op = expression.OperatorProperty switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                var other => throw new FormatException($"\"{other}\" is not a valid label selector operator"),
            };
            requirements.Add(new LabelRequirement(expression.Key, op, expression.Values?.ToList() ?? []));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>The query-string form of a <see cref="V1LabelSelector"/>: <c>app=web,tier in (a,b)</c>.</summary>
    public static string Format(V1LabelSelector? selector) =>
        selector is null ? ""
        : string.Join(',', (selector.MatchLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}")
            .Concat((selector.MatchExpressions ?? []).Select(e => e.OperatorProperty switch
            {
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                var op => $"{e.Key} {op.ToLowerInvariant()} ({string.Join(',', e.Values ?? [])})",
            })));

    // Commas separate terms, except inside the parentheses of a set-based term.
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static LabelRequirement ParseTerm(string term, string whole)
    {
        if (term.Length == 0)
        {
            throw new FormatException($"unable to parse requirement: empty term in \"{whole}\"");
        }

        if (term.StartsWith('!'))
        {
            return new LabelRequirement(CheckKey(term[1..].Trim()), LabelOperator.DoesNotExist, []);
        }

        var notEquals = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEquals > 0)
        {
            return new LabelRequirement(CheckKey(term[..notEquals].Trim()), LabelOperator.NotEquals, [term[(notEquals + 2)..].Trim()]);
        }

        var doubleEquals = term.IndexOf("==", StringComparison.Ordinal);
        if (doubleEquals > 0)
        {
            return new LabelRequirement(CheckKey(term[..doubleEquals].Trim()), LabelOperator.Equals, [term[(doubleEquals + 2)..].Trim()]);
        }

        var equals = term.IndexOf('=');
        if (equals > 0)
        {
            return new LabelRequirement(CheckKey(term[..equals].Trim()), LabelOperator.Equals, [term[(equals + 1)..].Trim()]);
        }

        var open = term.IndexOf('(');
        if (open > 0)
        {
            if (!term.EndsWith(')'))
            {
                throw new FormatException($"unable to parse requirement: missing ')' in \"{term}\"");
            }

            var head = term[..open].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (head.Length != 2)
            {
                throw new FormatException($"unable to parse requirement: \"{term}\"");
            }

            var op = head[1] switch
            {
                "in" => LabelOperator.In,
                "notin" => LabelOperator.NotIn,
                _ => throw new FormatException($"unable to parse requirement: unknown operator \"{head[1]}\""),
            };
            var values = term[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return new LabelRequirement(CheckKey(head[0]), op, values);
        }

        return new LabelRequirement(CheckKey(term), LabelOperator.Exists, []);
    }

    private static string CheckKey(string key) =>
        Validation.NameRules.CheckQualifiedName(key).Any()
            ? throw new FormatException($"unable to parse requirement: invalid label key \"{key}\"")
            : key;
}
