using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KubePS.Core.Kinds;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Runtime;
using Microsoft.AspNetCore.Http;

namespace KubePS.NodeService.Exec;

/// <summary>
/// <c>/exec/{namespace}/{pod}/{container}</c> over a WebSocket, the kubelet's exec endpoint that the
/// engine relays for <c>pods/{name}/exec</c>. It speaks Kubernetes' channel protocol
/// (<c>v5.channel.k8s.io</c> or <c>v4.channel.k8s.io</c>): each binary message starts with its
/// channel (0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize); under v5 the client closes
/// stdin with <c>[255, 0]</c>. The Status carries the exit code, then the socket closes.
/// </summary>
public sealed class ContainerExecEndpoint(IContainerRuntime runtime, NodeOptions options)
{
    private const byte Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = 255;

    public async Task HandleAsync(HttpContext context, string ns, string pod, string container)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var protocol = WellKnown.ExecProtocols.FirstOrDefault(context.WebSockets.WebSocketRequestedProtocols.Contains);
        if (!context.WebSockets.IsWebSocketRequest || protocol is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"exec needs a WebSocket with one of the subprotocols {string.Join(", ", WellKnown.ExecProtocols)}", ct);
            return;
        }

        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        var target = (await runtime.ListAsync(options.NodeName, null, ct)).FirstOrDefault(c =>
            c.Label(WellKnown.ContainerLabels.PodNamespace) == ns
            && c.Label(WellKnown.ContainerLabels.PodName) == pod
            && c.Label(WellKnown.ContainerLabels.ContainerName) == container
            && c.Label(WellKnown.ContainerLabels.Sandbox) != "true"
            && c.State == ContainerRunState.Running);

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        if (command.Count == 0 || target is null)
        {
            await FinishAsync(socket, Failure(command.Count == 0
                ? "you must specify at least one command for the container"
                : $"container {container} is not running in pod {pod}", "BadRequest", 400), ct);
            return;
        }

        var stdin = Flag(query["stdin"]);
        var tty = Flag(query["tty"]);
        IExecSession session;
        try
        {
            session = await runtime.ExecAsync(target.Id, command, stdin, tty, ct);
        }
        catch (RuntimeException e)
        {
            await FinishAsync(socket, Failure(e.Message, "InternalError", 500), ct);
            return;
        }

        await using (session)
        {
            var input = stdin ? PumpStdinAsync(socket, session, ct) : DrainAsync(socket, ct);
            var buffer = new byte[32 * 1024];
            var framed = new byte[buffer.Length + 1];
            while (await session.ReadAsync(buffer, ct) is { } output)
            {
                framed[0] = output.Stderr ? Stderr : Stdout;
                buffer.AsSpan(0, output.Count).CopyTo(framed.AsSpan(1));
                await socket.SendAsync(framed.AsMemory(0, output.Count + 1), WebSocketMessageType.Binary, true, ct);
            }

            var exitCode = await session.ExitCodeAsync(ct);
            await FinishAsync(socket, exitCode == 0 ? Success() : NonZero(exitCode), ct);

            // The client answers the close; one that does not is not waited for long.
            await Task.WhenAny(input, Task.Delay(TimeSpan.FromSeconds(2), ct));
        }
    }

    private static bool Flag(string? value) => value is "true" or "1";

    // Client frames: stdin data, a v5 close of stdin, terminal resizes ({"Width":..,"Height":..}).
    private static async Task PumpStdinAsync(WebSocket socket, IExecSession session, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, ct);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    session.CloseStdin();
                    return;
                }

                var data = message.ToArray();
                if (data.Length == 0)
                {
                    continue;
                }

                switch (data[0])
                {
                    case Stdin when data.Length > 1:
                        await session.WriteAsync(data.AsMemory(1), ct);
                        break;
                    case Close when data.Length > 1 && data[1] == Stdin:
                        session.CloseStdin();
                        break;
                    case Resize when TerminalSize(data.AsSpan(1)) is var (width, height):
                        await session.ResizeAsync(width, height, ct);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    private static (int Width, int Height)? TerminalSize(ReadOnlySpan<byte> json)
    {
        try
        {
            var size = JsonSerializer.Deserialize<JsonElement>(json);
            return size.TryGetProperty("Width", out var w) && size.TryGetProperty("Height", out var h) && w.TryGetInt32(out var width) && h.TryGetInt32(out var height)
                && width > 0 && height > 0
                ? (width, height)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Without stdin the client still sends pings and, under v5, closes: keep reading so they are answered.
    private static async Task DrainAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open && (await socket.ReceiveAsync(buffer, ct)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task FinishAsync(WebSocket socket, object status, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(status);
        var frame = new byte[json.Length + 1];
        frame[0] = Error;
        json.CopyTo(frame, 1);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        }
        catch (WebSocketException)
        {
            // The client left first.
        }
    }

    private static object Success() => new { metadata = new { }, status = "Success" };

    private static object NonZero(long exitCode) => new
    {
        metadata = new { },
        status = "Failure",
        message = $"command terminated with non-zero exit code: error executing command [...], exit code {exitCode}",
        reason = "NonZeroExitCode",
        details = new { causes = new[] { new { reason = "ExitCode", message = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
    };

    private static object Failure(string message, string reason, int code) => new
    {
        metadata = new { },
        status = "Failure",
        message,
        reason,
        code,
    };
}
