using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Finishes namespace deletion: deletes everything in a Terminating namespace (pods gracefully,
/// through their nodes) and removes the namespace once it is empty.
/// </summary>
public sealed class NamespaceController(ObjectService objects, ILogger<NamespaceController> logger) : BackgroundService
{
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watch = objects.Store.Watch(KindRegistry.Namespace, null, objects.Store.CurrentResourceVersion);
        do
        {
            try
            {
                await ReconcileAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Namespace reconcile failed; retrying");
            }
        }
        while (await ChangeSignal.WaitAsync([watch], ResyncInterval, stoppingToken));
    }

    public async Task ReconcileAllAsync(CancellationToken cancellationToken)
    {
        var namespaces = await objects.ListAsync(KindRegistry.Namespace, null, LabelSelector.Everything, FieldSelector.Everything, cancellationToken);
        foreach (var ns in namespaces.Items.Where(n => n["metadata"]?["deletionTimestamp"] is not null))
        {
            await ReconcileAsync(KubeJson.NameOf(ns), cancellationToken);
        }
    }

    private async Task ReconcileAsync(string ns, CancellationToken cancellationToken)
    {
        var remaining = 0;
        foreach (var kind in KindRegistry.All.Where(k => k.Namespaced))
        {
            var items = await objects.ListAsync(kind, ns, LabelSelector.Everything, FieldSelector.Everything, cancellationToken);
            remaining += items.Items.Count;
            foreach (var item in items.Items.Where(i => i["metadata"]?["deletionTimestamp"] is null))
            {
                try
                {
                    await objects.DeleteAsync(kind, ns, KubeJson.NameOf(item), options: null, dryRun: false, cancellationToken);
                }
                catch (ApiException e) when (e.Code is 404 or 409)
                {
                    // Already gone or changed; the next pass sees it.
                }
            }
        }

        if (remaining == 0)
        {
            logger.LogInformation("Namespace {Namespace} is empty; removing it", ns);
            try
            {
                await objects.RemoveAsync(KindRegistry.Namespace, null, ns, expected: null, cancellationToken);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }
    }
}
