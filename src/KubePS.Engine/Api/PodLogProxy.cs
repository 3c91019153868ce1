using System.Net.Http.Headers;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Auth;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>
/// <c>pods/{name}/log</c>: finds the pod's node and relays the node service's
/// <c>/containerLogs</c> stream, as the API server relays the kubelet's.
/// </summary>
public sealed class PodLogProxy(PodNodeLocator nodes, ClusterCredentials credentials)
{
    private static readonly string[] PassedOptions = ["follow", "tailLines", "timestamps", "previous", "sinceSeconds", "limitBytes"];
    private static readonly HttpClient Client = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task StreamAsync(HttpContext context, string ns, string name)
    {
        var ct = context.RequestAborted;
        var target = await nodes.LocateAsync(ns, name, context.Request.Query["container"].ToString(), "logs", ct);
        var (node, address, port, container) = (target.NodeName, target.Address, target.Port, target.Container);
        var query = string.Join('&', PassedOptions
            .Where(o => context.Request.Query.ContainsKey(o))
            .Select(o => $"{o}={Uri.EscapeDataString(context.Request.Query[o].ToString())}"));
        var url = $"http://{address}:{port}/containerLogs/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(container)}?{query}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AdminToken);

        HttpResponseMessage upstream;
        try
        {
            upstream = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw ApiException.ServiceUnavailable($"the node {node} did not answer for logs: {e.Message}");
        }

        using (upstream)
        {
            if (!upstream.IsSuccessStatusCode)
            {
                var message = (await upstream.Content.ReadAsStringAsync(ct)).Trim();
                throw new ApiException((int)upstream.StatusCode == 404 ? 404 : 400,
                    (int)upstream.StatusCode == 404 ? "NotFound" : "BadRequest", message);
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            await using var body = await upstream.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                await context.Response.Body.FlushAsync(ct);
            }
        }
    }
}
