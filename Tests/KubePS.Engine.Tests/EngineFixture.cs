using k8s;
using KubePS.Core.Config;
using Microsoft.AspNetCore.Builder;

namespace KubePS.Engine.Tests;

/// <summary>A real engine on a random loopback port with a temporary data folder, and a client for it.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplication? _app;

    public string DataPath => _folder.Path;

    public string KubeConfigPath => System.IO.Path.Combine(_folder.Path, "kubeconfig");

    public Kubernetes Client { get; private set; } = null!;

    /// <summary>The engine's services, for tests of a component in place (the event recorder).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>The engine's clock: the system's, unless a test moves it forward.</summary>
    public MovableClock Clock { get; } = new();

    /// <summary>A plain HTTP client with the admin token, for what the library hides (raw streams, status codes).</summary>
    public HttpClient CreateHttpClient()
    {
        var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var token = File.ReadAllText(System.IO.Path.Combine(DataPath, "engine", "admin.token")).Trim();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task InitializeAsync()
    {
        _app = EngineHost.Build(new EngineOptions { DataPath = _folder.Path, Port = 0 }, clock: Clock);
        await _app.StartAsync();
        Client = KubeClientFactory.FromKubeConfig(KubeConfigPath);
    }

    /// <summary>Stops the engine and starts a new one on the same data folder, as after a restart of the process.</summary>
    public async Task RestartAsync()
    {
        Client.Dispose();
        await StopAsync();
        await InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await StopAsync();
        _folder.Dispose();
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}

/// <summary>The system clock plus an offset tests can grow, for behaviour that waits on the calendar (cron schedules).</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Moves the clock to the next time <paramref name="next"/> gives, then <paramref name="past"/> beyond it.</summary>
    public DateTime AdvanceTo(Func<DateTime, DateTime> next, TimeSpan past)
    {
        var now = GetUtcNow().UtcDateTime;
        var target = next(now);
        Advance(target + past - now);
        return target;
    }
}
