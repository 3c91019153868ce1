using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using KubePS.Core.Config;
using KubePS.NodeService.Dns;
using KubePS.NodeService.Exec;
using KubePS.NodeService.Logs;
using KubePS.NodeService.Node;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Probes;
using KubePS.NodeService.Proxy;
using KubePS.NodeService.Volumes;
using KubePS.NodeService.Runtime;
using KubePS.NodeService.Stats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService;

/// <summary>Builds the node service: node registration, the pod loop on Docker, and the node endpoint for logs.</summary>
public static class NodeHost
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when another node service holds the node's data folder.</summary>
    public static WebApplication Build(NodeOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var folderLock = NodeLock.Acquire(Path.GetFullPath(options.DataPath), options.NodeName);
        try
        {
            var config = KubeClientFactory.LoadConfiguration(options.KubeConfigPath);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.BindAddress), options.Port));

            // Run from a console these do nothing; under systemd (Type=notify) or the Windows service
            // manager they report readiness and stopping, and log the way each expects.
            builder.Host.UseSystemd();
            builder.Host.UseWindowsService(service => service.ServiceName = "KubePS.NodeService");

            var services = builder.Services;
            services.AddSingleton(_ => folderLock);
            services.AddSingleton(options);
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<IKubernetes>(_ => new Kubernetes(config));
            services.AddSingleton<IContainerRuntime>(_ => DockerRuntime.Connect(options.DockerEndpoint));
            services.AddSingleton<ImagePullBackoff>();
            services.AddSingleton<ContainerEnvironment>();
            services.AddSingleton<SyncSignal>();
            services.AddSingleton<PodEvents>();
            services.AddSingleton<ProbeRunner>();
            services.AddSingleton<ProbeResults>();
            services.AddSingleton<ProbeManager>();
            services.AddSingleton<VolumeManager>();
            services.AddSingleton<PodReconciler>();
            services.AddSingleton<PodWorkers>();
            services.AddSingleton<ContainerLogsEndpoint>();
            services.AddSingleton<ContainerExecEndpoint>();
            services.AddHostedService<NodeRegistrar>();
            services.AddHostedService<NodeLease>();
            services.AddHostedService<PodSynchronizer>();
            services.AddSingleton<ServiceState>();
            services.AddSingleton<ClusterDns>();
            services.AddHostedService<ServiceProxy>();
            services.AddSingleton<StatsCollector>();
            services.AddHostedService(sp => sp.GetRequiredService<StatsCollector>());

            var app = builder.Build();
            app.Services.GetRequiredService<NodeLock>();
            var token = Encoding.UTF8.GetBytes(config.AccessToken ?? "");
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == "/healthz" || Authorized(context, token))
                {
                    await next(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("Unauthorized", context.RequestAborted);
            });
            app.UseWebSockets();
            app.MapGet("/healthz", () => "ok");
            var logs = app.Services.GetRequiredService<ContainerLogsEndpoint>();
            app.MapGet("/containerLogs/{ns}/{pod}/{container}", (HttpContext context, string ns, string pod, string container) =>
                logs.HandleAsync(context, ns, pod, container));
            var runtime = app.Services.GetRequiredService<IContainerRuntime>();
            app.MapPost("/images/load", async (HttpContext context) =>
            {
                // An image archive is as large as its image.
                context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
                try
                {
                    return Results.Json(new { images = await runtime.LoadImagesAsync(context.Request.Body, context.RequestAborted) });
                }
                catch (RuntimeException e)
                {
                    return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
                }
            });
            var stats = app.Services.GetRequiredService<StatsCollector>();
            app.MapGet("/stats/summary", () => stats.Latest is { } summary ? Results.Json(summary) : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
            var exec = app.Services.GetRequiredService<ContainerExecEndpoint>();
            app.Map("/exec/{ns}/{pod}/{container}", (HttpContext context, string ns, string pod, string container) =>
                exec.HandleAsync(context, ns, pod, container));
            return app;
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    // Only the engine, holding the cluster's token, may read this node's logs.
    private static bool Authorized(HttpContext context, byte[] token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return token.Length > 0
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), token);
    }
}
