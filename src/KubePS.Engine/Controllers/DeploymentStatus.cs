using k8s.Models;

namespace KubePS.Engine.Controllers;

/// <summary>
/// A Deployment's status from its ReplicaSets: the counts, and the Available and Progressing
/// conditions with Kubernetes' reasons and messages, including ProgressDeadlineExceeded.
/// </summary>
public static class DeploymentStatus
{
    public static V1DeploymentStatus Compute(V1Deployment d, V1ReplicaSet? newSet, IReadOnlyList<V1ReplicaSet> all, bool created, DateTime now)
    {
        var replicas = d.Spec.Replicas ?? 1;
        var available = all.Sum(s => s.Status?.AvailableReplicas ?? 0);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = all.Sum(s => s.Status?.Replicas ?? 0),
            UpdatedReplicas = newSet?.Status?.Replicas ?? 0,
            ReadyReplicas = all.Sum(s => s.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, replicas - available),
            CollisionCount = d.Status?.CollisionCount,
        };
        var rolling = d.Spec.Strategy?.RollingUpdate;
        var maxUnavailable = d.Spec.Strategy?.Type == "Recreate" ? 0 : RolloutArithmetic.Limits(rolling?.MaxSurge, rolling?.MaxUnavailable, replicas).Unavailable;
        var conditions = new List<V1DeploymentCondition>();
        conditions.Add(available >= replicas - maxUnavailable
            ? Condition(d, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, changed: false)
            : Condition(d, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now, changed: false));
        if (Progressing(d, newSet, all, status, created, now) is { } progressing)
        {
            conditions.Add(progressing);
        }

        status.Conditions = conditions;
        return status;
    }

    /// <summary>When the progress deadline of a rollout still under way runs out, to look again then.</summary>
    public static TimeSpan? NextDeadline(V1Deployment d, V1DeploymentStatus status, DateTime now)
    {
        if (d.Spec.ProgressDeadlineSeconds is not { } seconds || d.Spec.Paused == true
            || status.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is not { Status: "True", Reason: not "NewReplicaSetAvailable" } condition)
        {
            return null;
        }

        var deadline = (condition.LastUpdateTime ?? now).AddSeconds(seconds) - now;
        return deadline > TimeSpan.Zero ? deadline + TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(100);
    }

    private static V1DeploymentCondition? Progressing(
        V1Deployment d, V1ReplicaSet? newSet, IReadOnlyList<V1ReplicaSet> all, V1DeploymentStatus status, bool created, DateTime now)
    {
        var name = newSet?.Metadata.Name;
        if (d.Spec.Paused == true)
        {
            return Condition(d, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, changed: false);
        }

        if (DeploymentController.IsComplete(d, newSet, [.. all]))
        {
            return Condition(d, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{name}\" has successfully progressed.", now, changed: false);
        }

        if (created)
        {
            return Condition(d, "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{name}\"", now, changed: true);
        }

        var previous = d.Status;
        var moved = previous is null
            || status.UpdatedReplicas > (previous.UpdatedReplicas ?? 0)
            || status.Replicas < (previous.Replicas ?? 0) && (previous.Replicas ?? 0) > (d.Spec.Replicas ?? 1)
            || status.ReadyReplicas > (previous.ReadyReplicas ?? 0)
            || status.AvailableReplicas > (previous.AvailableReplicas ?? 0);
        var current = d.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (moved || current is null or { Status: "Unknown" } or { Reason: "NewReplicaSetAvailable" })
        {
            return Condition(d, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{name}\" is progressing.", now, changed: true);
        }

        if (d.Spec.ProgressDeadlineSeconds is { } seconds && current is { Status: "True" } && (current.LastUpdateTime ?? now).AddSeconds(seconds) <= now)
        {
            return Condition(d, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{name}\" has timed out progressing.", now, changed: false);
        }

        return current;
    }

    // A condition keeps its transition time while its status holds, and its update time unless it changed.
    private static V1DeploymentCondition Condition(V1Deployment d, string type, string status, string reason, string message, DateTime now, bool changed)
    {
        var existing = d.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
        var same = existing is not null && existing.Status == status && existing.Reason == reason && existing.Message == message;
        return new V1DeploymentCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastTransitionTime = existing is not null && existing.Status == status ? existing.LastTransitionTime : now,
            LastUpdateTime = same && !changed ? existing!.LastUpdateTime : now,
        };
    }
}
