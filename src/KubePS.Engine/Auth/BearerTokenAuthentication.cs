using System.Security.Cryptography;
using System.Text;
using KubePS.Engine.Api;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Auth;

/// <summary>
/// Every request needs the cluster's bearer token, except the health and version endpoints that
/// Kubernetes leaves open. Anything else gets 401 with a v1.Status.
/// </summary>
public sealed class BearerTokenAuthentication(ClusterCredentials credentials) : IMiddleware
{
    private static readonly string[] OpenPaths = ["/healthz", "/livez", "/readyz", "/version"];

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (OpenPaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)) || IsAdmin(context))
        {
            await next(context);
            return;
        }

        await HttpWriting.WriteStatusAsync(context.Response, ApiException.Unauthorized(), context.RequestAborted);
    }

    private bool IsAdmin(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(credentials.AdminToken));
    }
}
