using System.Management.Automation;

namespace KubePS.Module.Errors;

/// <summary>An error of the module itself, carrying the error id and category its ErrorRecord gets.</summary>
public sealed class KubeException(
    string message,
    Exception? inner = null,
    string errorId = ErrorIds.ServerError,
    ErrorCategory category = ErrorCategory.NotSpecified) : Exception(message, inner)
{
    public string ErrorId { get; } = errorId;

    public ErrorCategory Category { get; } = category;
}
