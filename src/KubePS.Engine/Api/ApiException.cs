using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Validation;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Api;

/// <summary>A failed API call; the API turns it into a v1.Status with the same code and reason.</summary>
public sealed class ApiException(int code, string reason, string message, V1StatusDetails? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public V1StatusDetails? Details { get; } = details;

    public V1Status ToStatus() => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Failure",
        Message = Message,
        Reason = Reason,
        Details = Details,
        Code = Code,
    };

    public static ApiException NotFound(KindInfo kind, string name) =>
        new(404, "NotFound", $"{kind.QualifiedResource} \"{name}\" not found", Describe(kind, name));

    public static ApiException AlreadyExists(KindInfo kind, string name) =>
        new(409, "AlreadyExists", $"{kind.QualifiedResource} \"{name}\" already exists", Describe(kind, name));

    public static ApiException Conflict(KindInfo kind, string name, string message) =>
        new(409, "Conflict", message, Describe(kind, name));

    public static ApiException Invalid(KindInfo kind, string name, IReadOnlyList<FieldError> errors)
    {
        var joined = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors)}]";
        var details = Describe(kind, name);
        details.Kind = kind.Kind;
        details.Causes = errors.Select(e => new V1StatusCause { Reason = e.Reason, Field = e.Field, Message = e.Message }).ToList();
        return new ApiException(422, "Invalid", $"{kind.Kind} \"{name}\" is invalid: {joined}", details);
    }

    /// <summary>409 for a server-side apply that would take fields from other managers, in Kubernetes' words.</summary>
    public static ApiException ApplyConflicts(KindInfo kind, string name, IReadOnlyList<ApplyConflict> conflicts)
    {
        var groups = conflicts.GroupBy(c => (c.Manager, c.ApiVersion)).Select(g =>
        {
            var paths = g.Select(c => FieldSet.Describe(c.Path)).ToList();
            return paths.Count == 1
                ? $"conflict with \"{g.Key.Manager}\" using {g.Key.ApiVersion}: {paths[0]}"
                : $"conflicts with \"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n- " + string.Join("\n- ", paths);
        });
        var details = Describe(kind, name);
        details.Kind = kind.Kind;
        details.Causes = conflicts.Select(c => new V1StatusCause
        {
            Reason = "FieldManagerConflict",
            Message = $"conflict with \"{c.Manager}\" using {c.ApiVersion}",
            Field = FieldSet.Describe(c.Path),
        }).ToList();
        var count = conflicts.Count == 1 ? "1 conflict" : $"{conflicts.Count} conflicts";
        return new ApiException(409, "Conflict", $"Apply failed with {count}: {string.Join("\n", groups)}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Forbidden(KindInfo kind, string name, string why) =>
        new(403, "Forbidden", $"{kind.QualifiedResource} \"{name}\" is forbidden: {why}", Describe(kind, name));

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException MethodNotAllowed(string method) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})");

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: "
            + $"application/json, application/vnd.kubernetes.protobuf, application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json, "
            + $"application/apply-patch+yaml (got \"{contentType}\")");

    public static ApiException Expired(string message) => new(410, "Expired", message);

    /// <summary>429: an eviction a PodDisruptionBudget does not allow now; the cause names the budget.</summary>
    public static ApiException DisruptionBudget(string message, string cause) =>
        new(429, "TooManyRequests", message, new V1StatusDetails { Causes = [new V1StatusCause { Reason = "DisruptionBudget", Message = cause }] });

    public static ApiException ServiceUnavailable(string message) => new(503, "ServiceUnavailable", message);

    private static V1StatusDetails Describe(KindInfo kind, string name) =>
        new() { Name = name, Group = kind.Group.Length == 0 ? null : kind.Group, Kind = kind.Plural };
}
