using System.Text;
using k8s;

namespace KubePS.EndToEnd.Tests;

/// <summary>pods/exec through the engine to the node service, from kubectl (v5) and KubernetesClient (v4).</summary>
public sealed class ExecTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private Kubernetes Client => cluster.Client;

    // Every test of the class shares one pod; the first to start creates it.
    public async Task InitializeAsync()
    {
        try
        {
            await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("shell", "sleep 3600"), "default");
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }

        await cluster.WaitForPodAsync("shell", p => p.Status?.Phase == "Running");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Kubectl_exec_returns_stdout_stderr_and_the_exit_code()
    {
        var (exitCode, output) = await cluster.Kubectl.RunAsync("exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");

        Assert.Equal(3, exitCode);
        Assert.Contains("out\n", output);
        Assert.Contains("err\n", output);
        Assert.Contains("command terminated with exit code 3", output);

        var (ok, text) = await cluster.Kubectl.RunAsync("exec", "shell", "-c", "app", "--", "cat", "/etc/hostname");
        Assert.Equal(0, ok);
        Assert.Equal("shell\n", text);
    }

    [Fact]
    public async Task Kubectl_exec_passes_stdin_through()
    {
        var (exitCode, output) = await cluster.Kubectl.RunWithInputAsync("line one\nline two\n", "exec", "-i", "shell", "--", "sh", "-c", "read a; read b; echo \"$b, then $a\"");

        Assert.True(exitCode == 0, output);
        Assert.Equal("line two, then line one\n", output);
    }

    [Fact]
    public async Task KubernetesClient_exec_reads_output_and_exit_codes()
    {
        var stdout = new StringBuilder();
        var exitCode = await Client.NamespacedPodExecAsync("shell", "default", "app", ["sh", "-c", "echo from-client; exit 5"], false,
            async (stdin, output, error) => stdout.Append(await new StreamReader(output).ReadToEndAsync()), CancellationToken.None);

        Assert.Equal(5, exitCode);
        Assert.Equal("from-client\n", stdout.ToString());
    }

    [Fact]
    public async Task Exec_into_a_missing_container_is_a_clear_error()
    {
        var (exitCode, output) = await cluster.Kubectl.RunAsync("exec", "shell", "-c", "nope", "--", "true");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("container nope is not valid for pod shell", output);
    }

    [Fact]
    public async Task A_tty_exec_takes_the_terminal_size_the_client_sends()
    {
        using var socket = await Client.WebSocketNamespacedPodExecAsync("shell", "default", ["sh"], "app", stderr: true, stdin: true, stdout: true, tty: true);

        await SendAsync(socket, 4, """{"Width":123,"Height":45}""");
        await SendAsync(socket, 0, "busybox stty size; exit\n");

        var output = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!output.ToString().Contains("45 123") && socket.State == System.Net.WebSockets.WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            if (received.Count > 1 && buffer[0] == 1)
            {
                output.Append(Encoding.UTF8.GetString(buffer, 1, received.Count - 1));
            }
        }

        Assert.Contains("45 123", output.ToString());
    }

    [Fact]
    public async Task Kubectl_logs_limit_bytes_cuts_the_output_after_that_many_bytes()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("chatty", "echo first-line; echo second-line; sleep 3600"), "default");
        await cluster.WaitForPodAsync("chatty", p => p.Status?.Phase == "Running");
        await Task.Delay(500);

        var (code, output) = await cluster.Kubectl.RunAsync("logs", "chatty", "--limit-bytes=8");

        Assert.Equal(0, code);
        Assert.Equal("first-li", output);
    }

    private static Task SendAsync(System.Net.WebSockets.WebSocket socket, byte channel, string text) =>
        socket.SendAsync((byte[])[channel, .. Encoding.UTF8.GetBytes(text)], System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);

    [Fact]
    public async Task Kubectl_logs_follow_streams_lines_as_the_container_writes_them()
    {
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("ticker", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done"), "default");
        await cluster.WaitForPodAsync("ticker", p => p.Status?.Phase == "Running");

        using var kubectl = cluster.Kubectl.Start("logs", "-f", "ticker");
        try
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (lines.Count < 4 && await kubectl.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
            }

            // Lines written after kubectl started arrive on the open stream, in order.
            Assert.Equal(Enumerable.Range(1, 4).Select(i => $"tick {i}"), lines);
            Assert.False(kubectl.HasExited);
        }
        finally
        {
            kubectl.Kill();
        }
    }
}
