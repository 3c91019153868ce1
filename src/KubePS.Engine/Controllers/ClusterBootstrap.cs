using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;
using Microsoft.Extensions.Hosting;

namespace KubePS.Engine.Controllers;

/// <summary>Creates the namespaces and the default StorageClass every cluster starts with, before the API takes requests.</summary>
public sealed class ClusterBootstrap(ObjectService objects) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in WellKnown.InitialNamespaces)
        {
            if (await objects.Store.GetAsync(KindRegistry.Namespace, null, name, cancellationToken) is null)
            {
                var ns = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } };
                await objects.CreateAsync(KindRegistry.Namespace, null, ns, dryRun: false, cancellationToken);
            }
        }

        if (await objects.Store.GetAsync(KindRegistry.StorageClass, null, WellKnown.LocalPathStorageClass, cancellationToken) is null)
        {
            var localPath = new JsonObject
            {
                ["apiVersion"] = "storage.k8s.io/v1",
                ["kind"] = "StorageClass",
                ["metadata"] = new JsonObject
                {
                    ["name"] = WellKnown.LocalPathStorageClass,
                    ["annotations"] = new JsonObject { [WellKnown.DefaultStorageClassAnnotation] = "true" },
                },
                ["provisioner"] = WellKnown.LocalPathProvisioner,
                ["reclaimPolicy"] = "Delete",
                ["volumeBindingMode"] = "Immediate",
            };
            await objects.CreateAsync(KindRegistry.StorageClass, null, localPath, dryRun: false, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
