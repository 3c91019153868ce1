using System.Net.WebSockets;
using KubePS.Core.Kinds;
using KubePS.Engine.Auth;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>
/// <c>pods/{name}/exec</c>: accepts the client's WebSocket (<c>v5.channel.k8s.io</c> for kubectl,
/// <c>v4.channel.k8s.io</c> for KubernetesClient), opens one with the same subprotocol to the
/// node service's <c>/exec</c> endpoint, and relays messages both ways until either side closes,
/// as the API server relays the kubelet's exec stream.
/// </summary>
public sealed class PodExecProxy(PodNodeLocator nodes, ClusterCredentials credentials)
{
    private static readonly string[] PassedOptions = ["command", "stdin", "stdout", "stderr", "tty"];

    public async Task RelayAsync(HttpContext context, string ns, string name)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var target = await nodes.LocateAsync(ns, name, query["container"].ToString(), "exec", ct);
        if (target.Pod.Status?.Phase is "Succeeded" or "Failed")
        {
            throw ApiException.BadRequest($"cannot exec into a container in a completed pod; current phase is {target.Pod.Status.Phase}");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("exec needs a WebSocket upgrade (Upgrade: websocket); SPDY is not served");
        }

        var protocol = WellKnown.ExecProtocols.FirstOrDefault(context.WebSockets.WebSocketRequestedProtocols.Contains)
            ?? throw ApiException.BadRequest($"exec needs one of the WebSocket subprotocols {string.Join(", ", WellKnown.ExecProtocols)}");
        if (query["command"].Count == 0)
        {
            throw ApiException.BadRequest("you must specify at least one command for the container");
        }

        var parameters = PassedOptions.SelectMany(o => query[o].Select(v => $"{o}={Uri.EscapeDataString(v ?? "")}"));
        var uri = new Uri($"ws://{target.Address}:{target.Port}/exec/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(target.Container)}?{string.Join('&', parameters)}");
        using var upstream = new ClientWebSocket();
        upstream.Options.AddSubProtocol(protocol);
        upstream.Options.SetRequestHeader("Authorization", "Bearer " + credentials.AdminToken);
        try
        {
            await upstream.ConnectAsync(uri, ct);
        }
        catch (WebSocketException e)
        {
            throw ApiException.ServiceUnavailable($"the node {target.NodeName} did not answer for exec: {e.Message}");
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var down = CopyAsync(upstream, client, done.Token);
        var up = CopyAsync(client, upstream, done.Token);
        await down;

        // The node sent its status and closed: give the client's own close a moment, then end.
        await Task.WhenAny(up, Task.Delay(TimeSpan.FromSeconds(2), ct));
        await done.CancelAsync();
    }

    // Whole messages, in order; a close from one side is passed on to the other.
    private static async Task CopyAsync(WebSocket from, WebSocket to, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, ct);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}
