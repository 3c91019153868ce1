using KubePS.Core.Kinds;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Runtime;
using Microsoft.AspNetCore.Http;

namespace KubePS.NodeService.Logs;

/// <summary>
/// <c>GET /containerLogs/{namespace}/{pod}/{container}</c>, the kubelet's log endpoint that the
/// engine relays for <c>pods/{name}/log</c>: the container's output as plain text, followed if asked.
/// </summary>
public sealed class ContainerLogsEndpoint(IContainerRuntime runtime, NodeOptions options)
{
    public async Task HandleAsync(HttpContext context, string ns, string pod, string container)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var previous = query["previous"].ToString() is "true" or "1";
        var instances = (await runtime.ListAsync(options.NodeName, null, ct))
            .Where(c => c.Label(WellKnown.ContainerLabels.PodNamespace) == ns
                && c.Label(WellKnown.ContainerLabels.PodName) == pod
                && c.Label(WellKnown.ContainerLabels.ContainerName) == container
                && c.Label(WellKnown.ContainerLabels.Sandbox) != "true")
            .OrderByDescending(PodContainers.RestartCount)
            .ToList();
        var chosen = instances.ElementAtOrDefault(previous ? 1 : 0);
        if (chosen is null)
        {
            context.Response.StatusCode = previous ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound;
            await context.Response.WriteAsync(previous
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating", ct);
            return;
        }

        var request = new LogRequest(
            Follow: query["follow"].ToString() is "true" or "1",
            TailLines: int.TryParse(query["tailLines"], out var tail) ? tail : null,
            Timestamps: query["timestamps"].ToString() is "true" or "1",
            SinceSeconds: int.TryParse(query["sinceSeconds"], out var since) ? since : null);
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(ct);
        await using var logs = await runtime.LogsAsync(chosen.Id, request, ct);
        // limitBytes cuts the output after that many bytes, mid-line if need be, as the kubelet does.
        var left = long.TryParse(query["limitBytes"], out var limit) && limit > 0 ? limit : long.MaxValue;
        var buffer = new byte[16 * 1024];
        int read;
        while (left > 0 && (read = await logs.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
            await context.Response.Body.FlushAsync(ct);
            left -= read;
        }
    }
}
