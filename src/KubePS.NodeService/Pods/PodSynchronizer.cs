using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Probes;
using KubePS.NodeService.Runtime;
using KubePS.NodeService.Volumes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Pods;

/// <summary>
/// The node's pod loop: a watch on the pods bound to this node wakes it, a resync timer backs the
/// watch up, and each pass hands every pod to its worker and removes what no pod owns.
/// </summary>
public sealed class PodSynchronizer(
    IKubernetes api,
    IContainerRuntime runtime,
    PodReconciler reconciler,
    PodWorkers workers,
    ImagePullBackoff pulls,
    ProbeManager probes,
    VolumeManager volumes,
    SyncSignal signal,
    NodeOptions options,
    ILogger<PodSynchronizer> logger)
    : BackgroundService
{
    // When each pod was last handed to its worker, and at which resourceVersion.
    private readonly Dictionary<string, (string? ResourceVersion, DateTime At)> _synced = [];

    private string FieldSelector => $"spec.nodeName={options.NodeName}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchAsync(stoppingToken);
        var following = FollowRuntimeAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Pod sync failed, retrying: {Message}", e.Message);
            }

            await signal.WaitAsync(options.ResyncInterval, stoppingToken);
        }

        await watching;
        await following;
        await workers.WhenAllAsync();
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var pods = (await api.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: FieldSelector, cancellationToken: cancellationToken)).Items;
        // A pod is synced when it changed, when something marked it (a probe), or when its resync is due
        // (its containers may have exited); a wake-up for one pod does not make every other pod work.
        var now = DateTime.UtcNow;
        foreach (var pod in pods)
        {
            var uid = pod.Metadata.Uid;
            var due = !_synced.TryGetValue(uid, out var last) || last.ResourceVersion != pod.Metadata.ResourceVersion
                || now - last.At >= options.ResyncInterval || signal.TakeMark(uid);
            if (due && workers.TryStart(uid, () => ReconcileAsync(pod, cancellationToken)))
            {
                _synced[uid] = (pod.Metadata.ResourceVersion, now);
            }
        }

        var wanted = pods.Select(p => p.Metadata.Uid).ToHashSet();
        foreach (var gone in _synced.Keys.Where(uid => !wanted.Contains(uid)).ToList())
        {
            _synced.Remove(gone);
        }

        pulls.Retain(wanted);
        probes.Retain(wanted);
        workers.Retain(wanted);
        var orphans = (await runtime.ListAsync(options.NodeName, null, cancellationToken))
            .Where(c => !wanted.Contains(c.Label(WellKnown.ContainerLabels.PodUid) ?? ""));
        await reconciler.RemoveOrphanAsync(orphans, cancellationToken);
        await volumes.RetainAsync(wanted, cancellationToken);
    }

    private async Task ReconcileAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            await reconciler.ReconcileAsync(pod, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning("Pod {Namespace}/{Pod} could not be synced: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, e.Message);
        }
    }

    // A container that exits or starts marks its pod at once; the resync only backs this up.
    private async Task FollowRuntimeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runtime.WatchContainerChangesAsync(options.NodeName, signal.Wake, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug("Runtime event stream ended: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in api.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: FieldSelector, timeoutSeconds: 300, cancellationToken: stoppingToken))
                {
                    signal.Wake();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The resync timer keeps pods converging while the watch is re-established.
                logger.LogDebug("Pod watch ended: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
