using System.Management.Automation;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Module.Errors;

/// <summary>Turns what the API server answered into ErrorRecords with stable ids and real categories.</summary>
public static class KubeErrors
{
    public static ErrorRecord FromException(Exception exception, object? target) => exception switch
    {
        HttpOperationException http => FromStatus(http, ReadStatus(http), target),
        HttpRequestException request => new ErrorRecord(
            new KubeException(Messages.ConnectionFailed(request.Message), request), ErrorIds.ConnectionFailed, ErrorCategory.ConnectionError, target),
        KubeException kube => new ErrorRecord(kube, kube.ErrorId, kube.Category, target),
        _ => new ErrorRecord(exception, ErrorIds.ServerError, ErrorCategory.NotSpecified, target),
    };

    public static ErrorRecord NotConnected() => new(
        new KubeException(Messages.NotConnected), ErrorIds.NotConnected, ErrorCategory.ConnectionError, null);

    /// <summary>The error Get-Kube cmdlets give for a name that is not there, in the API server's words.</summary>
    public static ErrorRecord NotFound(Resources.ApiResource resource, string? ns, string name) => new(
        new KubeException(Messages.NotFound(resource.Group.Length == 0 ? resource.Plural : $"{resource.Plural}.{resource.Group}", name), null, ErrorIds.NotFound, ErrorCategory.ObjectNotFound),
        ErrorIds.NotFound, ErrorCategory.ObjectNotFound, ns is null ? name : $"{ns}/{name}");

    /// <summary>Whether a connection could not even be set up: a kubeconfig that is missing or broken, or an unreadable CA file.</summary>
    public static bool IsKubeConfigProblem(Exception exception) =>
        exception is k8s.Exceptions.KubeConfigException or FileNotFoundException or System.Security.Cryptography.CryptographicException;

    /// <summary>KubePS.KubeConfigInvalid: ObjectNotFound for a missing file, InvalidData for a broken one.</summary>
    public static ErrorRecord KubeConfigInvalid(Exception exception, object? target) => new(
        exception, ErrorIds.KubeConfigInvalid, exception is FileNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData, target);

    /// <summary>KubePS.NotAKubernetesObject for something piped in that is not a Kubernetes object.</summary>
    public static ErrorRecord NotAKubernetesObject(object? target) => new(
        new KubeException(Messages.NotAKubernetesObject((target is PSObject ps ? ps.BaseObject : target)?.GetType().FullName ?? "null")),
        ErrorIds.NotAKubernetesObject, ErrorCategory.InvalidArgument, target);

    public static bool IsNotFound(Exception exception) =>
        exception is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    public static bool IsConflict(Exception exception) =>
        exception is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict };

    private static ErrorRecord FromStatus(HttpOperationException http, V1Status? status, object? target)
    {
        var code = (int)http.Response.StatusCode;
        var reason = status?.Reason ?? http.Response.StatusCode.ToString();
        var (id, category) = reason switch
        {
            "NotFound" => (ErrorIds.NotFound, ErrorCategory.ObjectNotFound),
            "AlreadyExists" => (ErrorIds.AlreadyExists, ErrorCategory.ResourceExists),
            "Conflict" => (ErrorIds.Conflict, ErrorCategory.ResourceUnavailable),
            "Invalid" or "BadRequest" => (ErrorIds.Invalid, ErrorCategory.InvalidArgument),
            "Unauthorized" => (ErrorIds.Unauthorized, ErrorCategory.AuthenticationError),
            "Forbidden" => (ErrorIds.Forbidden, ErrorCategory.PermissionDenied),
            _ => (ErrorIds.ServerError, ErrorCategory.NotSpecified),
        };
        var message = string.IsNullOrEmpty(status?.Message) ? Messages.ServerAnswered(code, reason) : status.Message;
        return new ErrorRecord(new KubeException(message, http, id, category), id, category, target);
    }

    private static V1Status? ReadStatus(HttpOperationException http)
    {
        if (string.IsNullOrEmpty(http.Response.Content))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(http.Response.Content);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
