using k8s;
using k8s.Models;
using KubePS.Core.Printing;

namespace KubePS.Core.Kinds;

/// <summary>Short forms for the registry's entries, so a kind reads as one declaration.</summary>
internal static class KindBuilder
{
    public static PrinterColumn Name => new("Name", "string", 0, "name");

    public static PrinterColumn Age => new("Age", "date");

    public static PrinterColumn Col(string name, int priority = 0) => new(name, "string", priority);

    public static KindInfo Kind<T>(
        string group, string version, string kind, string plural, bool namespaced,
        string[]? shortNames = null, string[]? subresources = null, bool inAll = false,
        PrinterColumn[]? columns = null, Func<T, DateTime, IEnumerable<string>>? row = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var info = new KindInfo(
            group, version, kind, plural, kind.ToLowerInvariant(), namespaced, typeof(T),
            shortNames ?? [], subresources ?? [], inAll ? ["all"] : [], columns ?? [Name, Age]);
        return row is null ? info : info with { Row = (obj, now) => row((T)obj, now).ToList() };
    }

    public static string AgeOf(IKubernetesObject<V1ObjectMeta> obj, DateTime now) => HumanDuration.Age(obj.Metadata?.CreationTimestamp, now);

    public static string OrNone(string? value) => string.IsNullOrEmpty(value) ? "<none>" : value;

    public static string Count<T>(ICollection<T>? items) => (items?.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Number(int? value) => (value ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Selector(IDictionary<string, string>? labels) =>
        labels is { Count: > 0 } ? string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")) : "<none>";

    public static string Selector(V1LabelSelector? selector) => OrNone(Selectors.LabelSelector.Format(selector));
}
