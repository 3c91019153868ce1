using System.Diagnostics;
using KubePS.Engine.Api;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Metrics;

/// <summary>Measures every request under its Kubernetes verb (LIST, WATCH, GET, CREATE, ...) and resource.</summary>
public sealed class RequestMetrics(EngineMetrics metrics) : IMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var (verb, resource) = Classify(context);
        var started = Stopwatch.GetTimestamp();
        using var watch = verb == "WATCH" ? metrics.TrackWatch(resource) : null;
        try
        {
            await next(context);
        }
        finally
        {
            metrics.RecordRequest(verb, resource, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }

    private static (string Verb, string Resource) Classify(HttpContext context)
    {
        ResourceRequest? request = null;
        try
        {
            request = ResourceRequest.Parse(context.Request.Path, context.Request.Query);
        }
        catch (ApiException)
        {
            // An unknown path is still counted, under its method.
        }

        var method = context.Request.Method;
        if (request is null)
        {
            return (method, "");
        }

        var resource = request.Subresource is null ? request.Kind.Plural : $"{request.Kind.Plural}/{request.Subresource}";
        var verb = (method, request.Name) switch
        {
            ("GET", null) when request.Flag("watch") => "WATCH",
            ("GET", null) => "LIST",
            ("POST", _) => "CREATE",
            ("PUT", _) => "UPDATE",
            ("DELETE", null) => "DELETECOLLECTION",
            _ => method,
        };
        return (verb, resource);
    }
}
