using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace KubePS.Engine.Tests.Durability;

/// <summary>The engine as its own process on a data folder, as users run it, so that a test can SIGKILL it.</summary>
internal sealed partial class EngineProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private EngineProcess(Process process, string dataPath)
    {
        _process = process;
        DataPath = dataPath;
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataPath { get; }

    public Uri Server { get; private set; } = null!;

    /// <summary>Starts <c>KubePS.Engine.dll</c> from the test's output folder and returns once the engine serves.</summary>
    public static async Task<EngineProcess> StartAsync(string dataPath)
    {
        var kubeconfig = Path.Combine(dataPath, "kubeconfig");

        // The engine writes its kubeconfig only once it listens: a stale one from the last run would say it is up.
        File.Delete(kubeconfig);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "KubePS.Engine.dll"), "--data-path", dataPath, "--port", "0" })
        {
            info.ArgumentList.Add(arg);
        }

        var engine = new EngineProcess(Process.Start(info)!, dataPath);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(kubeconfig))
        {
            if (engine._process.HasExited || deadline.Elapsed > StartTimeout)
            {
                await engine.DisposeAsync();
                throw new InvalidOperationException($"the engine did not start: {engine.Output}");
            }

            await Task.Delay(20);
        }

        engine.Server = new Uri(ServerLine().Match(await File.ReadAllTextAsync(kubeconfig)).Groups[1].Value);
        return engine;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public HttpClient CreateClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = Server,
            Timeout = TimeSpan.FromSeconds(20),
        };
        var token = File.ReadAllText(Path.Combine(DataPath, "engine", "admin.token")).Trim();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed that was not already handed to the kernel.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    [GeneratedRegex(@"server:\s*(\S+)")]
    private static partial Regex ServerLine();
}
