using System.Net;
using KubePS.Core.Config;
using KubePS.Engine.Admission;
using KubePS.Engine.Api;
using KubePS.Engine.Auth;
using KubePS.Engine.Controllers;
using KubePS.Engine.Controllers.Framework;
using KubePS.Engine.Metrics;
using KubePS.Engine.Scheduling;
using KubePS.Engine.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine;

/// <summary>Where the engine keeps its data and where it listens.</summary>
public sealed class EngineOptions
{
    /// <summary>The cluster's data folder: the engine uses <c>engine/</c> in it and writes <c>kubeconfig</c> at its top.</summary>
    public string DataPath { get; set; } = "";

    /// <summary>The HTTPS port; 0 picks a free one (the kubeconfig names the real one).</summary>
    public int Port { get; set; } = 6443;

    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The range cluster IPs come from (kube-apiserver's --service-cluster-ip-range).</summary>
    public string ServiceClusterIpRange { get; set; } = Core.Networking.Ipv4Cidr.DefaultServiceRange.ToString();

    /// <summary>How long a node may stay silent before it is Unknown and tainted unreachable (kube-controller-manager's --node-monitor-grace-period).</summary>
    public TimeSpan NodeMonitorGracePeriod { get; set; } = NodeLifecycleSettings.Default.GracePeriod;

    /// <summary>How long pods without their own toleration stay on a not-ready or unreachable node (the DefaultTolerationSeconds admission's setting).</summary>
    public TimeSpan DefaultTolerationSeconds { get; set; } = NodeLifecycleSettings.Default.DefaultTolerationSeconds;

    /// <summary>The range NodePorts come from (kube-apiserver's --service-node-port-range).</summary>
    public string ServiceNodePortRange { get; set; } = Core.Networking.PortRange.DefaultNodePorts.ToString();
}

/// <summary>Builds the engine: API server, store, scheduler and controllers in one process.</summary>
public static class EngineHost
{
    public const string ContextName = "kubeps";

    /// <summary>
    /// Builds the engine. Throws <see cref="InvalidOperationException"/> when another engine holds
    /// the data folder. After <c>StartAsync</c>, <c>{DataPath}/kubeconfig</c> points at it.
    /// <paramref name="clock"/> is the time every component reads (the system's by default).
    /// </summary>
    public static WebApplication Build(EngineOptions options, Action<ILoggingBuilder>? logging = null, TimeProvider? clock = null)
    {
        var root = Path.GetFullPath(options.DataPath);
        var engineFolder = Path.Combine(root, "engine");
        var folderLock = DataFolderLock.Acquire(engineFolder);
        try
        {
            var serviceNetwork = new ServiceNetwork(
                Core.Networking.Ipv4Cidr.Parse(options.ServiceClusterIpRange), Core.Networking.PortRange.Parse(options.ServiceNodePortRange));
            var credentials = ClusterCredentials.LoadOrCreate(engineFolder, options.BindAddress);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Parse(options.BindAddress), options.Port, listen =>
                {
                    // HTTP/1.1 stays on: watches and the websocket and SPDY upgrades need it.
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(credentials.ServingCertificate);
                });
            });

            var services = builder.Services;
            services.AddSingleton(_ => folderLock);
            services.AddSingleton(credentials);
            services.AddSingleton(clock ?? TimeProvider.System);
            services.AddSingleton<EngineMetrics>();
            services.AddSingleton<RequestMetrics>();
            services.AddSingleton<IObjectStore>(sp =>
                new InstrumentedObjectStore(new LiteDbObjectStore(Path.Combine(engineFolder, "kubeps.db")), sp.GetRequiredService<EngineMetrics>()));
            services.AddSingleton(serviceNetwork);
            services.AddSingleton<ServiceAllocator>();
            services.AddSingleton<ObjectService>();
            services.AddSingleton<ScaleSubresource>();
            services.AddSingleton<TablePrinter>();
            services.AddSingleton<WatchStreamer>();
            services.AddSingleton<PodNodeLocator>();
            services.AddSingleton<PodLogProxy>();
            services.AddSingleton<PodExecProxy>();
            services.AddSingleton<PodEviction>();
            services.AddSingleton<MetricsApi>();
            services.AddSingleton<NodeProxy>();
            services.AddSingleton<ResourceHandler>();
            services.AddSingleton<EventRecorder>();
            services.AddSingleton<BearerTokenAuthentication>();
            services.AddSingleton<ClusterBootstrap>();
            services.AddHostedService(sp => sp.GetRequiredService<ClusterBootstrap>());
            services.AddHostedService<Scheduler>();
            services.AddHostedService<NamespaceController>();
            services.AddHostedService<GarbageCollector>();
            services.AddSingleton<SharedInformers>();
            services.AddHostedService(sp => sp.GetRequiredService<SharedInformers>());
            services.AddSingleton<PodControl>();
            services.AddHostedService<ReplicaSetController>();
            services.AddHostedService<DeploymentController>();
            services.AddHostedService<JobController>();
            services.AddHostedService<StatefulSetController>();
            services.AddHostedService<DaemonSetController>();
            services.AddHostedService<CronJobController>();
            services.AddSingleton(new NodeLifecycleSettings(options.NodeMonitorGracePeriod, options.DefaultTolerationSeconds));
            services.AddHostedService<NodeLifecycleController>();
            services.AddHostedService<DisruptionController>();
            services.AddHostedService<ResourceQuotaController>();
            services.AddHostedService<EndpointsController>();
            services.AddHostedService<EndpointSliceController>();
            services.AddSingleton(new LocalVolumeFolder(Path.Combine(root, "volumes")));
            services.AddHostedService<PersistentVolumeBinder>();

            var app = builder.Build();

            // Resolved now so the container owns the lock and releases it last, after the store.
            app.Services.GetRequiredService<DataFolderLock>();
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var server = WriteKubeConfig(app, root, options.BindAddress, credentials);
                app.Services.GetRequiredService<ClusterBootstrap>().PublishApiServer(server, app.Lifetime.ApplicationStopping);
            });
            app.UseWebSockets();
            app.UseMiddleware<BearerTokenAuthentication>();
            app.UseMiddleware<RequestMetrics>();
            app.MapKubernetesApi();
            return app;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    // Returns the address clients use.
    private static Uri WriteKubeConfig(WebApplication app, string root, string bindAddress, ClusterCredentials credentials)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "localhost")).Port;
        var host = bindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : bindAddress;
        var server = $"https://{(host.Contains(':') ? $"[{host}]" : host)}:{port}";
        var content = KubeConfigWriter.Render(ContextName, server, System.Text.Encoding.ASCII.GetBytes(credentials.CaCertificatePem), credentials.AdminToken);
        KubeConfigWriter.WritePrivateFile(Path.Combine(root, "kubeconfig"), content);
        return new Uri(server);
    }
}
