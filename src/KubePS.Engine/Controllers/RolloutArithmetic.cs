using k8s.Models;

namespace KubePS.Engine.Controllers;

/// <summary>One ReplicaSet as a rolling update counts it.</summary>
public sealed record ReplicaSetCounts(string Name, int Replicas, int Available, DateTime Created);

/// <summary>
/// The numbers of a Deployment's rolling update, as Kubernetes computes them: how far the new
/// ReplicaSet may grow (<c>maxSurge</c>) and how many old pods may go (<c>maxUnavailable</c>).
/// Pure functions, so every step of a rollout can be checked on its own.
/// </summary>
public static class RolloutArithmetic
{
    /// <summary>maxSurge rounds up, maxUnavailable down; both zero would never progress, so unavailable becomes 1.</summary>
    public static (int Surge, int Unavailable) Limits(IntOrString? maxSurge, IntOrString? maxUnavailable, int replicas)
    {
        var surge = Scaled(maxSurge, replicas, roundUp: true);
        var unavailable = Scaled(maxUnavailable, replicas, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    /// <summary>An int-or-percent value against a total, as Kubernetes' <c>GetScaledValueFromIntOrPercent</c>.</summary>
    public static int Scaled(IntOrString? value, int total, bool roundUp)
    {
        var text = value?.Value ?? "0";
        if (!text.EndsWith('%'))
        {
            return int.Parse(text);
        }

        var exact = int.Parse(text[..^1]) * total / 100.0;
        return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
    }

    /// <summary>The new ReplicaSet's size for this step: up toward <paramref name="replicas"/> while all pods stay within replicas + surge.</summary>
    public static int NewReplicaSetSize(int replicas, int surge, int newReplicas, int allReplicas)
    {
        if (newReplicas >= replicas)
        {
            return replicas;
        }

        var room = replicas + surge - allReplicas;
        return room <= 0 ? newReplicas : newReplicas + Math.Min(room, replicas - newReplicas);
    }

    /// <summary>
    /// The old ReplicaSets' sizes for this step: first their unavailable pods go (they cost no
    /// availability), then available ones, oldest ReplicaSet first, while at least
    /// replicas − maxUnavailable pods stay available.
    /// </summary>
    public static Dictionary<string, int> OldReplicaSetSizes(int replicas, int unavailable, ReplicaSetCounts newSet, IReadOnlyList<ReplicaSetCounts> old)
    {
        var sizes = old.ToDictionary(o => o.Name, o => o.Replicas);
        var all = newSet.Replicas + old.Sum(o => o.Replicas);
        var minAvailable = replicas - unavailable;
        var newUnavailable = Math.Max(0, newSet.Replicas - newSet.Available);
        var maxScaledDown = all - minAvailable - newUnavailable;
        if (old.Sum(o => o.Replicas) == 0 || maxScaledDown <= 0)
        {
            return sizes;
        }

        var oldestFirst = old.OrderBy(o => o.Created).ThenBy(o => o.Name, StringComparer.Ordinal).ToList();
        foreach (var set in oldestFirst)
        {
            var unhealthy = Math.Min(maxScaledDown, Math.Max(0, set.Replicas - set.Available));
            sizes[set.Name] -= unhealthy;
            maxScaledDown -= unhealthy;
        }

        var available = newSet.Available + old.Sum(o => Math.Min(o.Available, sizes[o.Name]));
        var toRemove = available - minAvailable;
        foreach (var set in oldestFirst)
        {
            if (toRemove <= 0)
            {
                break;
            }

            var down = Math.Min(sizes[set.Name], toRemove);
            sizes[set.Name] -= down;
            toRemove -= down;
        }

        return sizes;
    }
}
