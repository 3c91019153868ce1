using k8s.Models;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Runtime;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Probes;

/// <summary>
/// Keeps one worker per probe of each running container, as the kubelet's probe manager: started
/// when the container runs, stopped when it is gone or its pod is.
/// </summary>
public sealed class ProbeManager(ProbeRunner runner, ProbeResults results, IContainerRuntime runtime, SyncSignal signal, PodEvents events, ILogger<ProbeManager> logger)
{
    private readonly Dictionary<string, List<ProbeWorker>> _byPod = [];
    private readonly Lock _sync = new();

    public ProbeResults Results => results;

    /// <summary>Matches the pod's workers to its running containers.</summary>
    public void Sync(V1Pod pod, PodContainers containers, string? podIp)
    {
        var uid = pod.Metadata.Uid;
        lock (_sync)
        {
            var workers = _byPod.TryGetValue(uid, out var list) ? list : _byPod[uid] = [];
            var running = pod.Spec.Containers
                .Select(c => (Spec: c, Instance: containers.Instances(c.Name).FirstOrDefault()))
                .Where(c => c.Instance is { State: ContainerRunState.Running })
                .ToDictionary(c => c.Instance!.Id, c => (c.Spec, c.Instance!));

            foreach (var gone in workers.Where(w => !running.ContainsKey(w.ContainerId)).ToList())
            {
                gone.Stop();
                results.Forget(gone.ContainerId);
                workers.Remove(gone);
            }

            foreach (var (id, (spec, instance)) in running)
            {
                if (workers.Any(w => w.ContainerId == id))
                {
                    continue;
                }

                foreach (var (kind, probe) in Probes(spec))
                {
                    if (kind != ProbeKind.Liveness)
                    {
                        results.Expect(kind, id);
                    }

                    var worker = new ProbeWorker(kind, probe, pod, spec, instance, podIp, runner, results, runtime, events, () => signal.Wake(uid), logger);
                    workers.Add(worker);
                    _ = Task.Run(worker.RunAsync);
                }
            }
        }
    }

    /// <summary>Stops the workers of pods no longer on this node.</summary>
    public void Retain(IReadOnlySet<string> podUids)
    {
        lock (_sync)
        {
            foreach (var uid in _byPod.Keys.Where(u => !podUids.Contains(u)).ToList())
            {
                foreach (var worker in _byPod[uid])
                {
                    worker.Stop();
                    results.Forget(worker.ContainerId);
                }

                _byPod.Remove(uid);
            }
        }
    }

    private static IEnumerable<(ProbeKind Kind, V1Probe Probe)> Probes(V1Container container)
    {
        if (container.StartupProbe is { } startup)
        {
            yield return (ProbeKind.Startup, startup);
        }

        if (container.LivenessProbe is { } liveness)
        {
            yield return (ProbeKind.Liveness, liveness);
        }

        if (container.ReadinessProbe is { } readiness)
        {
            yield return (ProbeKind.Readiness, readiness);
        }
    }
}
