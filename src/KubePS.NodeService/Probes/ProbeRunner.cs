using System.Net.Sockets;
using k8s.Models;
using KubePS.NodeService.Runtime;

namespace KubePS.NodeService.Probes;

/// <summary>One attempt of a probe, as the kubelet makes it: exec (exit code 0), HTTP GET (200–399) or a TCP connect, within timeoutSeconds.</summary>
public sealed class ProbeRunner(IContainerRuntime runtime)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        // Probes check the pod, not its certificate, as the kubelet does.
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.Zero,
    });

    public sealed record Outcome(bool Success, string Message);

    public async Task<Outcome> RunAsync(V1Probe probe, V1Container container, string containerId, string? podIp, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var seconds = probe.TimeoutSeconds is > 0 ? probe.TimeoutSeconds.Value : 1;
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            return probe switch
            {
                { Exec: { } exec } => await ExecAsync(containerId, exec.Command, timeout.Token),
                { HttpGet: { } get } => await HttpGetAsync(get, container, podIp, timeout.Token),
                { TcpSocket: { } tcp } => await TcpAsync(tcp.Host ?? podIp, Port(tcp.Port, container), timeout.Token),
                _ => new Outcome(true, ""),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(false, $"timeout: the probe did not answer within {seconds}s");
        }
    }

    /// <summary>
    /// Runs a lifecycle hook (postStart, preStop) the way a probe runs, but waiting up to
    /// <paramref name="limit"/>; a sleep hook just waits.
    /// </summary>
    public async Task<Outcome> RunHookAsync(V1LifecycleHandler hook, V1Container container, string containerId, string? podIp, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (hook.Sleep is { } sleep)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(sleep.Seconds, limit.TotalSeconds)), cancellationToken);
            return new Outcome(true, "");
        }

        var probe = new V1Probe { Exec = hook.Exec, HttpGet = hook.HttpGet, TcpSocket = hook.TcpSocket, TimeoutSeconds = (int)Math.Max(1, limit.TotalSeconds) };
        return await RunAsync(probe, container, containerId, podIp, cancellationToken);
    }

    private async Task<Outcome> ExecAsync(string containerId, IList<string> command, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await runtime.ExecAsync(containerId, command, stdin: false, tty: false, cancellationToken);
            var output = new MemoryStream();
            var buffer = new byte[4096];
            while (await session.ReadAsync(buffer, cancellationToken) is { } read)
            {
                output.Write(buffer, 0, read.Count);
            }

            var exitCode = await session.ExitCodeAsync(cancellationToken);
            var text = System.Text.Encoding.UTF8.GetString(output.ToArray()).Trim();
            return new Outcome(exitCode == 0, exitCode == 0 ? text : $"command {string.Join(' ', command)} exited with {exitCode}: {text}");
        }
        catch (RuntimeException e)
        {
            return new Outcome(false, e.Message);
        }
    }

    private static async Task<Outcome> HttpGetAsync(V1HTTPGetAction get, V1Container container, string? podIp, CancellationToken cancellationToken)
    {
        var scheme = get.Scheme?.ToLowerInvariant() == "https" ? "https" : "http";
        var host = get.Host ?? podIp ?? "127.0.0.1";
        var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
        var uri = new Uri($"{scheme}://{(host.Contains(':') ? $"[{host}]" : host)}:{Port(get.Port, container)}{path}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.UserAgent.ParseAdd("kube-probe/1.32");
        foreach (var header in get.HttpHeaders ?? [])
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return new Outcome(code is >= 200 and < 400, $"HTTP probe failed with statuscode: {code}");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, $"Get \"{uri}\": {e.Message}");
        }
    }

    private static async Task<Outcome> TcpAsync(string? host, int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host ?? "127.0.0.1", port, cancellationToken);
            return new Outcome(true, "");
        }
        catch (SocketException e)
        {
            return new Outcome(false, $"dial tcp {host}:{port}: {e.Message}");
        }
    }

    // A port is a number or the name of one of the container's ports.
    private static int Port(IntOrString port, V1Container container)
    {
        var value = port.Value;
        if (int.TryParse(value, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort
            ?? throw new InvalidOperationException($"port \"{value}\" is not a port of container {container.Name}");
    }
}
