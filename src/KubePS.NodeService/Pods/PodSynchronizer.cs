using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Node;
using KubePS.NodeService.Probes;
using KubePS.NodeService.Runtime;
using KubePS.NodeService.Volumes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Pods;

/// <summary>
/// The node's pod loop. An informer keeps the pods bound to this node in memory (a list, then a
/// watch from its resourceVersion, listing again only when the watch ends), so a pass costs no
/// request; the watch wakes the loop, a resync timer backs it up, and each pass hands every pod
/// that needs it to its worker and removes what no pod owns.
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

    // The pods bound to this node, as the informer last heard.
    private WatchedCache<V1Pod>? _pods;
    private HashSet<string> _lastWanted = [];
    private DateTime _cleanedAt = DateTime.MinValue;

    private string FieldSelector => $"spec.nodeName={options.NodeName}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _pods = new WatchedCache<V1Pod>(
            async ct => await api.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: FieldSelector, cancellationToken: ct) is var l ? (l.Items, l.Metadata.ResourceVersion) : default,
            (rv, ct) => api.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: FieldSelector, resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct),
            signal.Wake,
            logger);
        var watching = _pods.RunAsync(stoppingToken);
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
        // Before the first list nothing is known, and nothing may be removed for want of a pod.
        if (_pods is not { Synced: true })
        {
            return;
        }

        var pods = _pods.Snapshot();

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

        // What no pod owns is looked for when a pod went away, and at every resync for anything else.
        if (_lastWanted.IsSubsetOf(wanted) && now - _cleanedAt < options.ResyncInterval)
        {
            _lastWanted = wanted;
            return;
        }

        _lastWanted = wanted;
        _cleanedAt = now;
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

    // The informer: list, then watch from the list's resourceVersion, applying each change in order.
}
