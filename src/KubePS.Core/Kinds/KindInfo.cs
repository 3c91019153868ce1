namespace KubePS.Core.Kinds;

/// <summary>One column of a kind's table output (kubectl get, Format views).</summary>
/// <param name="Name">Column header as kubectl shows it.</param>
/// <param name="Type">OpenAPI type of the cell: string, integer, date.</param>
/// <param name="Priority">0 for the default view, 1 for -o wide only.</param>
public sealed record PrinterColumn(string Name, string Type, int Priority = 0, string Format = "");

/// <summary>Everything the API server, discovery and the clients need to know about one kind.</summary>
public sealed record KindInfo(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    Type ClrType,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Subresources,
    IReadOnlyList<string> Categories,
    IReadOnlyList<PrinterColumn> Columns)
{
    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>apiVersion as written in objects: "v1" or "apps/v1".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource name used in messages: "pods", "deployments.apps".</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    /// <summary>Fields a fieldSelector may name for this kind, besides metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> FieldLabels { get; init; } = [];

    public bool SupportsFieldLabel(string field) =>
        field is "metadata.name" or "metadata.namespace" || FieldLabels.Contains(field);

    /// <summary>The cells of one table row for an object of this kind, matching <see cref="Columns"/>.</summary>
    public Func<object, DateTime, IReadOnlyList<string>> Row { get; init; } = DefaultRow;

    /// <summary>Other versions served from the same storage (autoscaling/v1 beside autoscaling/v2).</summary>
    public IReadOnlyList<string> AlsoServedAs { get; init; } = [];

    /// <summary>
    /// Whether a delete that removes the object answers with the object (as the API server's
    /// registries with ReturnDeletedObject do: pods, services, volumes, claims, ...) rather than a Status.
    /// </summary>
    public bool ReturnsDeletedObject { get; init; }

    private static IReadOnlyList<string> DefaultRow(object obj, DateTime now) =>
        obj is k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> { Metadata: var meta }
            ? [meta?.Name ?? "", Printing.HumanDuration.Age(meta?.CreationTimestamp, now)]
            : ["", ""];
}
