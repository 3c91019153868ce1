using k8s.Models;
using KubePS.NodeService.Probes;
using KubePS.NodeService.Runtime;

namespace KubePS.NodeService.Pods;

/// <summary>Computes a pod's status (phase, conditions, container states, IPs) from what the runtime shows.</summary>
public static class PodStatusBuilder
{
    public static V1PodStatus Build(
        V1Pod pod, PodContainers containers, IReadOnlyDictionary<string, ContainerWaiting> waiting, ProbeResults probes, string hostIp, DateTime now)
    {
        now = Seconds(now)!.Value;
        var old = pod.Status ?? new V1PodStatus();
        var inits = (pod.Spec.InitContainers ?? []).Select(c => InitContainerStatus(c, containers.Instances(c.Name), waiting.GetValueOrDefault(c.Name), probes)).ToList();
        var initialized = inits.All(s => s.State.Terminated?.ExitCode == 0) || containers.AppContainersCreated(pod);
        var statuses = pod.Spec.Containers.Select(c => initialized
            ? ContainerStatus(c, containers.Instances(c.Name), waiting.GetValueOrDefault(c.Name), probes)
            : ContainerStatus(c, [], new ContainerWaiting("PodInitializing", null), probes)).ToList();
        var initFailed = pod.Spec.RestartPolicy == "Never" && inits.Any(s => s.State.Terminated is { ExitCode: not 0 });
        var phase = old.Phase is "Succeeded" or "Failed" ? old.Phase
            : initFailed ? "Failed"
            : initialized ? Phase(pod.Spec.RestartPolicy, statuses)
            : "Pending";
        var allReady = initialized && statuses.All(s => s.Ready);
        var unready = statuses.Where(s => !s.Ready).Select(s => s.Name).ToList();
        var incomplete = inits.Where(s => s.State.Terminated?.ExitCode != 0).Select(s => s.Name).ToList();
        var podIp = pod.Spec.HostNetwork == true ? hostIp
            : containers.Sandbox is { State: ContainerRunState.Running, IpAddress: { } ip } ? ip : old.PodIP;

        var conditions = new List<V1PodCondition>
        {
            Condition(old, "PodScheduled", true, now),
            Condition(old, "Initialized", initialized, now, initialized ? null : "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]"),
            Condition(old, "ContainersReady", allReady, now, allReady ? null : "ContainersNotReady", $"containers with unready status: [{string.Join(' ', unready)}]"),
            Condition(old, "Ready", allReady, now, allReady ? null : "ContainersNotReady", $"containers with unready status: [{string.Join(' ', unready)}]"),
        };

        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            ContainerStatuses = statuses,
            InitContainerStatuses = inits.Count == 0 ? null : inits,
            HostIP = hostIp,
            HostIPs = [new V1HostIP { Ip = hostIp }],
            PodIP = podIp,
            PodIPs = podIp is null ? null : [new V1PodIP { Ip = podIp }],
            StartTime = old.StartTime ?? now,
            QosClass = old.QosClass,
        };
    }

    // A finished init container counts as ready, as the kubelet reports it.
    private static V1ContainerStatus InitContainerStatus(V1Container spec, IReadOnlyList<RuntimeContainer> instances, ContainerWaiting? waiting, ProbeResults probes)
    {
        var status = ContainerStatus(spec, instances, waiting, probes);
        if (status.State.Terminated is { ExitCode: 0 })
        {
            status.Ready = true;
        }
        else if (status.State.Running is not null)
        {
            status.Ready = false;
        }

        return status;
    }

    // A running container is started once its startup probe passed, and ready once its readiness probe did too.
    private static V1ContainerStatus ContainerStatus(V1Container spec, IReadOnlyList<RuntimeContainer> instances, ContainerWaiting? waiting, ProbeResults probes)
    {
        var current = instances.FirstOrDefault();
        var previous = instances.Skip(1).FirstOrDefault();
        var status = new V1ContainerStatus
        {
            Name = spec.Name,
            Image = spec.Image,
            ImageID = current?.ImageId ?? "",
            ContainerID = current is null ? null : "docker://" + current.Id,
            RestartCount = current is null ? 0 : PodContainers.RestartCount(current),
            Ready = false,
            Started = false,
        };

        if (waiting is not null)
        {
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = waiting.Reason, Message = waiting.Message } };
            status.LastState = current is { State: ContainerRunState.Exited } ? Terminated(current) : Terminated(previous);
        }
        else if (current is null or { State: ContainerRunState.Created })
        {
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
        }
        else if (current.State == ContainerRunState.Running)
        {
            status.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Seconds(current.StartedAt) } };
            status.LastState = Terminated(previous);
            status.Started = probes.Started(current.Id);
            status.Ready = status.Started == true && probes.Ready(current.Id);
        }
        else
        {
            status.State = Terminated(current);
            status.LastState = Terminated(previous);
        }

        status.LastState ??= new V1ContainerState();
        return status;
    }

    private static V1ContainerState? Terminated(RuntimeContainer? container) => container is not { State: ContainerRunState.Exited }
        ? null
        : new V1ContainerState
        {
            Terminated = new V1ContainerStateTerminated
            {
                ExitCode = container.ExitCode,
                Reason = container.OomKilled ? "OOMKilled" : container.ExitCode == 0 ? "Completed" : "Error",
                StartedAt = Seconds(container.StartedAt),
                FinishedAt = Seconds(container.FinishedAt),
                ContainerID = "docker://" + container.Id,
            },
        };

    // The API keeps timestamps to the second; finer ones would make every sync look like a change.
    private static DateTime? Seconds(DateTime? time) =>
        time is { } t ? new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : null;

    // The kubelet's rule: waiting containers keep the pod Pending; after that the restart policy decides.
    private static string Phase(string? restartPolicy, IReadOnlyList<V1ContainerStatus> statuses)
    {
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var status in statuses)
        {
            if (status.State.Running is not null)
            {
                running++;
            }
            else if (status.State.Terminated is { } terminated)
            {
                stopped++;
                succeeded += terminated.ExitCode == 0 ? 1 : 0;
            }
            else if (status.LastState?.Terminated is { } last)
            {
                stopped++;
                succeeded += last.ExitCode == 0 ? 1 : 0;
            }
            else
            {
                waiting++;
            }
        }

        if (waiting > 0)
        {
            return "Pending";
        }

        if (running > 0)
        {
            return "Running";
        }

        if (stopped == 0)
        {
            return "Pending";
        }

        return restartPolicy switch
        {
            "Never" => stopped == succeeded ? "Succeeded" : "Failed",
            "OnFailure" => stopped == succeeded ? "Succeeded" : "Running",
            _ => "Running",
        };
    }

    private static V1PodCondition Condition(V1PodStatus old, string type, bool value, DateTime now, string? reason = null, string? message = null)
    {
        var status = value ? "True" : "False";
        var previous = old.Conditions?.FirstOrDefault(c => c.Type == type);
        return new V1PodCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = reason is null ? null : message,
            LastTransitionTime = previous?.Status == status ? previous.LastTransitionTime ?? now : now,
        };
    }
}
