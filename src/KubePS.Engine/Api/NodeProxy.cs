using System.Net.Http.Headers;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KubePS.Engine.Api;

/// <summary>
/// <c>nodes/{name}/proxy/{path}</c>: passes a request on to the node service's own endpoint, as the API
/// server's node proxy passes it to the kubelet (the module's Import-KubeImage posts image archives through it).
/// </summary>
public sealed class NodeProxy(ObjectService objects, ClusterCredentials credentials)
{
    private static readonly HttpClient Client = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The node and the path after <c>proxy/</c>, when <paramref name="path"/> is a node proxy path.</summary>
    public static (string Node, string Path)? Match(string path) =>
        path.Split('/', 6, StringSplitOptions.None) is ["", "api", "v1", "nodes", var node, var rest] && (rest == "proxy" || rest.StartsWith("proxy/", StringComparison.Ordinal))
            ? (node, rest.Length > "proxy".Length ? rest["proxy/".Length..] : "")
            : null;

    public async Task RelayAsync(HttpContext context, string nodeName, string rest)
    {
        var ct = context.RequestAborted;
        var node = KubeJson.ToTyped<V1Node>(await objects.GetAsync(KindRegistry.Node, null, nodeName, ct));
        var (address, port) = PodNodeLocator.RequireEndpoint(node, "proxying");

        // What is proxied may be large (an image archive); the node sets its own limits.
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://{address}:{port}/{rest}{context.Request.QueryString}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AdminToken);
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw ApiException.ServiceUnavailable($"the node {nodeName} did not answer: {e.Message}");
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(context.Response.Body, ct);
        }
    }
}
