using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Core.Kinds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Node;

/// <summary>
/// The node's heartbeat, as the kubelet's: renews the Lease named after the node in
/// <c>kube-node-lease</c> every <see cref="NodeOptions.LeaseInterval"/>. A cheap write, so the engine
/// notices a silent node within its grace period without full status updates.
/// </summary>
public sealed class NodeLease(IKubernetes api, NodeOptions options, TimeProvider clock, ILogger<NodeLease> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Node lease renewal failed, retrying: {Message}", e.Message);
            }

            try
            {
                await Task.Delay(options.LeaseInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        V1Lease lease;
        try
        {
            lease = await api.CoordinationV1.ReadNamespacedLeaseAsync(options.NodeName, WellKnown.NodeLeaseNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await api.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = options.NodeName, NamespaceProperty = WellKnown.NodeLeaseNamespace },
                Spec = Spec(now),
            }, WellKnown.NodeLeaseNamespace, cancellationToken: cancellationToken);
            return;
        }

        lease.Spec = Spec(now);
        await api.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.NodeName, WellKnown.NodeLeaseNamespace, cancellationToken: cancellationToken);
    }

    private V1LeaseSpec Spec(DateTime now) => new()
    {
        HolderIdentity = options.NodeName,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseInterval.TotalSeconds * 4),
        RenewTime = now,
    };
}
