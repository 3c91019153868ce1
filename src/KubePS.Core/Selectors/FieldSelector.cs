namespace KubePS.Core.Selectors;

public sealed record FieldRequirement(string Field, bool Equal, string Value);

/// <summary>A parsed field selector: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, comma meaning AND.</summary>
public sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>True when every requirement holds; <paramref name="valueOf"/> reads a field ("" when absent).</summary>
    public bool Matches(Func<string, string> valueOf) =>
        Requirements.All(r => string.Equals(valueOf(r.Field), r.Value, StringComparison.Ordinal) == r.Equal);

    /// <summary>The value a requirement pins with '=' for a field, if any (lets stores narrow a scan).</summary>
    public string? ExactValue(string field) =>
        Requirements.FirstOrDefault(r => r.Equal && r.Field == field)?.Value;

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<FieldRequirement>();
        foreach (var term in text.Split(','))
        {
            var t = term.Trim();
            int at;
            if ((at = t.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new FieldRequirement(t[..at].Trim(), false, t[(at + 2)..].Trim()));
            }
            else if ((at = t.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                requirements.Add(new FieldRequirement(t[..at].Trim(), true, t[(at + 2)..].Trim()));
            }
            else if ((at = t.IndexOf('=')) > 0)
            {
                requirements.Add(new FieldRequirement(t[..at].Trim(), true, t[(at + 1)..].Trim()));
            }
            else
            {
                throw new FormatException($"invalid selector: '{text}'; can't understand '{t}'");
            }
        }

        return new FieldSelector(requirements);
    }
}
