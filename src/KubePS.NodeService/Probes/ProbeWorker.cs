using k8s.Models;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Runtime;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Probes;

public enum ProbeKind
{
    Startup,
    Liveness,
    Readiness,
}

/// <summary>
/// Probes one container periodically, as a kubelet probe worker: after initialDelaySeconds, every
/// periodSeconds; the result flips after successThreshold successes or failureThreshold failures in
/// a row. Liveness and readiness wait for the startup probe; a failed liveness or startup probe
/// stops the container, and the restart policy takes it from there.
/// </summary>
internal sealed class ProbeWorker(
    ProbeKind kind, V1Probe probe, V1Pod pod, V1Container container, RuntimeContainer running, string? podIp,
    ProbeRunner runner, ProbeResults results, IContainerRuntime runtime, PodEvents events, Action changed, ILogger logger)
{
    private readonly CancellationTokenSource _stop = new();

    public string ContainerId => running.Id;

    public void Stop() => _stop.Cancel();

    public async Task RunAsync()
    {
        var token = _stop.Token;
        var period = TimeSpan.FromSeconds(probe.PeriodSeconds is > 0 ? probe.PeriodSeconds.Value : 10);
        var successThreshold = kind == ProbeKind.Readiness && probe.SuccessThreshold is > 0 ? probe.SuccessThreshold.Value : 1;
        var failureThreshold = probe.FailureThreshold is > 0 ? probe.FailureThreshold.Value : 3;
        var successes = 0;
        var failures = 0;
        try
        {
            var started = running.StartedAt ?? DateTime.UtcNow;
            var firstProbe = started.AddSeconds(probe.InitialDelaySeconds ?? 0) - DateTime.UtcNow;
            if (firstProbe > TimeSpan.Zero)
            {
                await Task.Delay(firstProbe, token);
            }

            while (!token.IsCancellationRequested)
            {
                if (kind != ProbeKind.Startup && !results.Started(running.Id))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), token);
                    continue;
                }

                var outcome = await runner.RunAsync(probe, container, running.Id, podIp, token);
                successes = outcome.Success ? successes + 1 : 0;
                failures = outcome.Success ? 0 : failures + 1;
                if (successes >= successThreshold && results.Set(kind, running.Id, true))
                {
                    changed();
                    if (kind == ProbeKind.Startup)
                    {
                        return;
                    }
                }

                if (failures >= failureThreshold)
                {
                    logger.LogInformation("{Kind} probe of container {Container} in pod {Namespace}/{Pod} failed: {Message}",
                        kind, container.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Name, outcome.Message);
                    // One event when the verdict turns, not one per failed attempt.
                    if (results.Set(kind, running.Id, false) || kind != ProbeKind.Readiness)
                    {
                        changed();
                        await events.RecordAsync(pod, container.Name, PodEvents.Warning, "Unhealthy", $"{kind} probe failed: {outcome.Message}", CancellationToken.None);
                    }

                    if (kind is ProbeKind.Liveness or ProbeKind.Startup)
                    {
                        await events.RecordAsync(pod, container.Name, PodEvents.Normal, "Killing",
                            $"Container {container.Name} failed {kind.ToString().ToLowerInvariant()} probe, will be restarted", CancellationToken.None);
                        var grace = probe.TerminationGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
                        await runtime.StopAsync(running.Id, TimeSpan.FromSeconds(grace), CancellationToken.None);
                        changed();
                        return;
                    }
                }

                await Task.Delay(period, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning("{Kind} probe of container {Container} stopped: {Message}", kind, container.Name, e.Message);
        }
    }
}
