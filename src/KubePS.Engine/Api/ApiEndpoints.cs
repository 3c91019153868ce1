using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Api;

/// <summary>The HTTP surface: health, version, discovery, and every resource path.</summary>
public static class ApiEndpoints
{
    public static void MapKubernetesApi(this WebApplication app)
    {
        var handler = app.Services.GetRequiredService<ResourceHandler>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KubePS.Engine.Api");
        app.Run(async context =>
        {
            try
            {
                await DispatchAsync(context, handler);
            }
            catch (ApiException e) when (!context.Response.HasStarted)
            {
                await HttpWriting.WriteStatusAsync(context.Response, e, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (Exception e) when (!context.Response.HasStarted && ClientFault(e) is { } fault)
            {
                await HttpWriting.WriteStatusAsync(context.Response, fault, context.RequestAborted);
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await HttpWriting.WriteStatusAsync(context.Response, new ApiException(500, "InternalError", $"Internal error occurred: {e.Message}"), context.RequestAborted);
            }
        });
    }

    // A malformed body shows up wherever it is first read (a typed conversion, a JSON node of the wrong
    // type, a quantity that does not parse, Kestrel's body limit), so it is recognised here once rather than at every read.
    private static ApiException? ClientFault(Exception e) => e switch
    {
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            new ApiException(413, "RequestEntityTooLarge", $"the request body is too large: {bad.Message}"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, "BadRequest", bad.Message),
        JsonException => ApiException.BadRequest($"the object provided is unrecognized: {e.Message}"),
        InvalidOperationException { Source: "System.Text.Json" } => ApiException.BadRequest($"the object provided is unrecognized: {e.Message}"),
        FormatException => ApiException.BadRequest(e.Message),
        _ => null,
    };

    private static async Task DispatchAsync(HttpContext context, ResourceHandler handler)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var ct = context.RequestAborted;
        switch (path)
        {
            case "/healthz" or "/livez" or "/readyz":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", ct);
                return;
            case "/metrics":
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.WriteAsync(context.RequestServices.GetRequiredService<Metrics.EngineMetrics>().Render(), ct);
                return;
            case "/version":
                await HttpWriting.WriteJsonAsync(context.Response, 200, Discovery.Version(), ct);
                return;
            case "/api":
                await HttpWriting.WriteJsonAsync(context.Response, 200, Discovery.CoreVersions(), ct);
                return;
            case "/apis":
                await HttpWriting.WriteJsonAsync(context.Response, 200, Discovery.Groups(), ct);
                return;
            case "/openapi/v3":
                await HttpWriting.WriteJsonAsync(context.Response, 200, OpenApi.Index(), ct);
                return;
        }

        if (path == MetricsApi.Prefix)
        {
            await HttpWriting.WriteJsonAsync(context.Response, 200, MetricsApi.Resources(), ct);
            return;
        }

        if (path.StartsWith(MetricsApi.Prefix + "/", StringComparison.Ordinal))
        {
            await context.RequestServices.GetRequiredService<MetricsApi>().HandleAsync(context, path);
            return;
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            var document = OpenApi.Document(path["/openapi/v3/".Length..]) ?? throw ApiException.PathNotFound();
            await HttpWriting.WriteJsonAsync(context.Response, 200, document, ct);
            return;
        }

        var discovered = path.Trim('/').Split('/') switch
        {
            ["api", var version] => Discovery.Resources("", version) ?? throw ApiException.PathNotFound(),
            ["apis", var group, var version] => Discovery.Resources(group, version) ?? throw ApiException.PathNotFound(),
            _ => null,
        };
        if (discovered is { } resources)
        {
            await HttpWriting.WriteJsonAsync(context.Response, 200, resources, ct);
            return;
        }

        if (NodeProxy.Match(path) is var (node, rest))
        {
            await context.RequestServices.GetRequiredService<NodeProxy>().RelayAsync(context, node, rest);
            return;
        }

        var request = ResourceRequest.Parse(context.Request.Path, context.Request.Query) ?? throw ApiException.PathNotFound();
        await handler.HandleAsync(context, request);
    }
}
