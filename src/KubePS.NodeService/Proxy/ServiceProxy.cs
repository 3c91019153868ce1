using System.Security.Cryptography;
using System.Text;
using KubePS.Core.Networking;
using KubePS.NodeService.Dns;
using KubePS.NodeService.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Proxy;

/// <summary>
/// The node's service proxy and cluster DNS. Node services of one cluster on one machine share its
/// network, so one of them (the holder of a machine-wide lock for the service range) routes it; the
/// others wait to take over. The holder first routes the whole service range to this machine, so no
/// packet for a cluster IP can leave it, then keeps the proxier in step with Services and Endpoints.
/// Stopping removes every rule and the route.
/// </summary>
public sealed class ServiceProxy(ServiceState state, IContainerRuntime runtime, ClusterDns dns, NodeOptions options, ILogger<ServiceProxy> logger)
    : BackgroundService
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ProxyMode == ProxyMode.None)
        {
            return;
        }

        var range = options.ServiceRange;
        using var machineLock = await MachineLock.AcquireAsync(
            "proxy-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(range.ToString())))[..12],
            () => logger.LogInformation("Another node service on this machine routes {Range}; this one takes over when it stops", range),
            stoppingToken);
        if (machineLock is null)
        {
            return;
        }

        var network = await PodNetworkAsync(stoppingToken);
        var watching = state.RunAsync(stoppingToken);
        IProxier proxier = options.ProxyMode == ProxyMode.Iptables
            ? new IptablesProxier(range, logger)
            : new UserspaceProxier(logger);
        await LocalRoute.AddAsync(range);
        try
        {
            await proxier.StartAsync(stoppingToken);
            await StartDnsAsync(network, stoppingToken);
            logger.LogInformation("Routing services in {Range} ({Mode} mode)", range, options.ProxyMode);
            while (!stoppingToken.IsCancellationRequested)
            {
                await SyncAsync(proxier, network, stoppingToken);
                await state.WaitForChangeAsync(Resync, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Pods keep running without Service routing; the log says why (no iptables, not root, ...).
            logger.LogError("The service proxy stopped: {Message}", e.Message);
        }
        finally
        {
            await dns.StopAsync();
            await proxier.DisposeAsync();
            await LocalRoute.RemoveAsync(range);
            await watching;
        }
    }

    // Without its DNS (its port taken) the cluster still routes Services; names just do not resolve.
    private async Task StartDnsAsync(PodNetwork network, CancellationToken cancellationToken)
    {
        try
        {
            await dns.StartAsync(network.Gateway, cancellationToken);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or k8s.Autorest.HttpOperationException)
        {
            logger.LogError("The cluster DNS could not start on {Address}:{Port}: {Message}", network.Gateway, options.DnsPort, e.Message);
        }
    }

    private async Task SyncAsync(IProxier proxier, PodNetwork network, CancellationToken cancellationToken)
    {
        if (!state.Synced)
        {
            return;
        }

        try
        {
            var routes = ProxyTable.Build(state.Services, state.EndpointsByService, options.NodeName);
            await proxier.SyncAsync(routes, cancellationToken);
            if (options.ProxyMode == ProxyMode.Iptables)
            {
                EnableHairpin(network);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Service sync failed, retrying: {Message}", e.Message);
        }
    }

    private async Task<PodNetwork> PodNetworkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await runtime.PodNetworkAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Cannot read the pod network from the runtime, retrying: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    // A pod that reaches its own Service gets its packets back on the port they left by.
    private void EnableHairpin(PodNetwork network)
    {
        if (network.BridgeInterface is not { } bridge || !Directory.Exists($"/sys/class/net/{bridge}/brif"))
        {
            return;
        }

        foreach (var port in Directory.EnumerateDirectories($"/sys/class/net/{bridge}/brif"))
        {
            try
            {
                var setting = Path.Combine(port, "hairpin_mode");
                if (File.ReadAllText(setting).Trim() != "1")
                {
                    File.WriteAllText(setting, "1");
                }
            }
            catch (IOException e)
            {
                logger.LogDebug("Cannot set hairpin mode on {Port}: {Message}", port, e.Message);
            }
        }
    }
}

/// <summary>The route that makes the whole service range local to this machine (Linux).</summary>
public static class LocalRoute
{
    public static async Task AddAsync(Ipv4Cidr range)
    {
        if (OperatingSystem.IsLinux())
        {
            await HostCommand.RunAsync("ip", ["route", "replace", "local", range.ToString(), "dev", "lo", "table", "local"]);
        }
    }

    public static async Task RemoveAsync(Ipv4Cidr range)
    {
        if (OperatingSystem.IsLinux())
        {
            await HostCommand.RunAsync("ip", ["route", "del", "local", range.ToString(), "dev", "lo", "table", "local"], check: false);
        }
    }
}

/// <summary>A lock held by one process on this machine at a time, waited for until it is free.</summary>
public sealed class MachineLock : IDisposable
{
    private readonly FileStream _stream;

    private MachineLock(FileStream stream) => _stream = stream;

    /// <summary>Null when cancelled before the lock was free; <paramref name="waiting"/> runs once if it has to wait.</summary>
    public static async Task<MachineLock?> AcquireAsync(string name, Action waiting, CancellationToken cancellationToken)
    {
        var folder = OperatingSystem.IsLinux() ? "/run/kubeps" : Path.Combine(Path.GetTempPath(), "kubeps");
        Directory.CreateDirectory(folder);
        var told = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                return new MachineLock(new FileStream(Path.Combine(folder, name + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!told)
                {
                    waiting();
                    told = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        return null;
    }

    public void Dispose() => _stream.Dispose();
}
