namespace KubePS.Core.Validation;

/// <summary>One validation failure, shaped like Kubernetes' field.Error.</summary>
/// <param name="Reason">The StatusCause reason: FieldValueRequired, FieldValueInvalid, ...</param>
/// <param name="Field">The field path, e.g. <c>spec.containers[0].image</c>.</param>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public static FieldError Required(string field, string detail = "") =>
        new("FieldValueRequired", field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static FieldError Invalid(string field, string? value, string detail) =>
        new("FieldValueInvalid", field, $"Invalid value: \"{value}\": {detail}");

    public static FieldError NotSupported(string field, string? value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", field,
            $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    public static FieldError Duplicate(string field, string? value) =>
        new("FieldValueDuplicate", field, $"Duplicate value: \"{value}\"");

    public static FieldError Forbidden(string field, string detail) =>
        new("FieldValueForbidden", field, $"Forbidden: {detail}");

    /// <summary>The form used in a Status message: <c>field: message</c>.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
