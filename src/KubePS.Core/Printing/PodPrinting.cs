using k8s.Models;

namespace KubePS.Core.Printing;

/// <summary>The READY, STATUS and RESTARTS of a pod, computed the way kubectl prints them.</summary>
public static class PodPrinting
{
    public static string Ready(V1Pod pod)
    {
        var total = pod.Spec?.Containers?.Count ?? 0;
        var ready = pod.Status?.ContainerStatuses?.Count(s => s.Ready) ?? 0;
        return $"{ready}/{total}";
    }

    public static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Sum(s => s.RestartCount) ?? 0;

    public static string Status(V1Pod pod)
    {
        var reason = string.IsNullOrEmpty(pod.Status?.Reason) ? pod.Status?.Phase ?? "Pending" : pod.Status.Reason;
        var initializing = false;
        var initStatuses = pod.Status?.InitContainerStatuses ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var state = initStatuses[i].State;
            if (state?.Terminated is { ExitCode: 0 })
            {
                continue;
            }

            reason = state switch
            {
                { Terminated: { } t } => string.IsNullOrEmpty(t.Reason) ? $"Init:ExitCode:{t.ExitCode}" : $"Init:{t.Reason}",
                { Waiting.Reason: { Length: > 0 } w } when w != "PodInitializing" => $"Init:{w}",
                _ => $"Init:{i}/{pod.Spec?.InitContainers?.Count ?? 0}",
            };
            initializing = true;
            break;
        }

        if (!initializing)
        {
            var hasRunning = false;
            foreach (var status in (pod.Status?.ContainerStatuses ?? []).Reverse())
            {
                switch (status.State)
                {
                    case { Waiting.Reason: { Length: > 0 } waiting }:
                        reason = waiting;
                        break;
                    case { Terminated: { } t }:
                        reason = !string.IsNullOrEmpty(t.Reason) ? t.Reason
                            : t.Signal is { } signal && signal != 0 ? $"Signal:{signal}"
                            : $"ExitCode:{t.ExitCode}";
                        break;
                    case { Running: not null } when status.Ready:
                        hasRunning = true;
                        break;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = "Running";
            }
        }

        return pod.Metadata?.DeletionTimestamp is not null ? "Terminating" : reason;
    }
}
