using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Admission;
using KubePS.Engine.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Creates what every cluster starts with before the API takes requests: the namespaces, the
/// default StorageClass, the <c>kubernetes</c> Service and the cluster DNS Service; once the API
/// listens, points the <c>kubernetes</c> Service's Endpoints at it.
/// </summary>
public sealed class ClusterBootstrap(ObjectService objects, ServiceNetwork network, ILogger<ClusterBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in WellKnown.InitialNamespaces)
        {
            await CreateMissingAsync(KindRegistry.Namespace, new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken);
        }

        await CreateMissingAsync(KindRegistry.StorageClass, new V1StorageClass
        {
            Metadata = new V1ObjectMeta
            {
                Name = WellKnown.LocalPathStorageClass,
                Annotations = new Dictionary<string, string> { [WellKnown.DefaultStorageClassAnnotation] = "true" },
            },
            Provisioner = WellKnown.LocalPathProvisioner,
            ReclaimPolicy = "Delete",
            VolumeBindingMode = "Immediate",
        }, cancellationToken);

        await CreateMissingAsync(KindRegistry.Service, new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = WellKnown.ApiServerService,
                NamespaceProperty = WellKnown.DefaultNamespace,
                Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            Spec = new V1ServiceSpec
            {
                ClusterIP = network.ApiServerAddress.ToString(),
                Ports = [new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP" }],
            },
        }, cancellationToken);

        await CreateMissingAsync(KindRegistry.Service, new V1Service
        {
            Metadata = new V1ObjectMeta
            {
                Name = WellKnown.DnsService,
                NamespaceProperty = WellKnown.SystemNamespace,
                Labels = new Dictionary<string, string> { ["k8s-app"] = "kube-dns", ["kubernetes.io/name"] = "CoreDNS" },
            },
            Spec = new V1ServiceSpec
            {
                ClusterIP = network.DnsAddress.ToString(),
                Ports =
                [
                    new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" },
                    new V1ServicePort { Name = "dns-tcp", Port = 53, Protocol = "TCP" },
                ],
            },
        }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes the <c>kubernetes</c> Service's Endpoints: the address and port the API listens on.</summary>
    public void PublishApiServer(Uri server, CancellationToken cancellationToken) =>
        _ = PublishApiServerAsync(server, cancellationToken);

    private async Task PublishApiServerAsync(Uri server, CancellationToken cancellationToken)
    {
        var endpoints = new V1Endpoints
        {
            Metadata = new V1ObjectMeta
            {
                Name = WellKnown.ApiServerService,
                NamespaceProperty = WellKnown.DefaultNamespace,
                Labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
            },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = [new V1EndpointAddress { Ip = server.Host }],
                    Ports = [new Corev1EndpointPort { Name = "https", Port = server.Port, Protocol = "TCP" }],
                },
            ],
        };
        try
        {
            var existing = await objects.Store.GetAsync(KindRegistry.Endpoints, WellKnown.DefaultNamespace, WellKnown.ApiServerService, cancellationToken);
            if (existing is null)
            {
                await objects.CreateAsync(KindRegistry.Endpoints, WellKnown.DefaultNamespace, KubeJson.ToNode(endpoints), dryRun: false, cancellationToken);
            }
            else if (!JsonNode.DeepEquals(existing["subsets"], KubeJson.ToNode(endpoints)["subsets"]))
            {
                endpoints.Metadata.ResourceVersion = existing["metadata"]?["resourceVersion"]?.GetValue<string>();
                await objects.UpdateAsync(KindRegistry.Endpoints, WellKnown.DefaultNamespace, WellKnown.ApiServerService,
                    KubeJson.ToNode(endpoints), subresource: null, dryRun: false, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not publish the API server's endpoints: {Message}", e.Message);
        }
    }

    private async Task CreateMissingAsync<T>(KindInfo kind, T obj, CancellationToken cancellationToken)
        where T : k8s.IKubernetesObject<V1ObjectMeta>
    {
        var meta = obj.Metadata;
        if (await objects.Store.GetAsync(kind, meta.NamespaceProperty, meta.Name, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await objects.CreateAsync(kind, meta.NamespaceProperty, KubeJson.ToNode(obj), dryRun: false, cancellationToken);
        }
        catch (ApiException e) when (kind == KindRegistry.Service)
        {
            // A Service the user created already holds the address: the cluster runs without this one.
            logger.LogWarning("Could not create the {Name} Service: {Message}", meta.Name, e.Message);
        }
    }
}
