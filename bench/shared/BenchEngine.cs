using System.Net.Http.Headers;
using KubePS.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace KubePS.Bench;

/// <summary>An in-process engine on a temporary data folder, with HTTP clients that carry its token.</summary>
internal sealed class BenchEngine : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "kubeps-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    private WebApplication _app = null!;

    public Uri Server { get; private set; } = null!;

    /// <summary>The engine's data folder (a node service may keep its own beneath it); removed with the engine.</summary>
    public string Folder => _folder;

    public string KubeConfigPath => Path.Combine(_folder, "kubeconfig");

    public static async Task<BenchEngine> StartAsync(Action<EngineOptions>? configure = null)
    {
        var engine = new BenchEngine();
        var options = new EngineOptions { DataPath = engine._folder, Port = 0 };
        configure?.Invoke(options);
        engine._app = EngineHost.Build(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await engine._app.StartAsync();
        var kubeconfig = await File.ReadAllLinesAsync(engine.KubeConfigPath);
        engine.Server = new Uri(kubeconfig.Single(l => l.TrimStart().StartsWith("server:", StringComparison.Ordinal)).Split("server:")[1].Trim());
        return engine;
    }

    /// <summary>One client with its own connections, as one kubectl or controller would have.</summary>
    public HttpClient CreateClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = Server };
        var token = File.ReadAllText(Path.Combine(_folder, "engine", "admin.token")).Trim();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
