using k8s.Models;

namespace KubePS.Engine.Api.Patch;

/// <summary>
/// Kubernetes' <c>x-kubernetes-patch-strategy: merge</c> and <c>x-kubernetes-patch-merge-key</c>, by list element type.
/// A list of these elements is merged item by item on its key; any other list is replaced whole (atomic),
/// except the few lists of strings that Kubernetes merges as sets.
/// </summary>
public static class MergeKeys
{
    private static readonly Dictionary<Type, string> ByElementType = new()
    {
        [typeof(V1Container)] = "name",
        [typeof(V1EphemeralContainer)] = "name",
        [typeof(V1ContainerPort)] = "containerPort",
        [typeof(V1EnvVar)] = "name",
        [typeof(V1Volume)] = "name",
        [typeof(V1VolumeMount)] = "mountPath",
        [typeof(V1VolumeDevice)] = "devicePath",
        [typeof(V1LocalObjectReference)] = "name",
        [typeof(V1ObjectReference)] = "name",
        [typeof(V1HostAlias)] = "ip",
        [typeof(V1PodIP)] = "ip",
        [typeof(V1HostIP)] = "ip",
        [typeof(V1OwnerReference)] = "uid",
        [typeof(V1ServicePort)] = "port",
        [typeof(V1TopologySpreadConstraint)] = "topologyKey",
        [typeof(V1NodeAddress)] = "type",
        [typeof(V1PodSchedulingGate)] = "name",
        [typeof(V1PodResourceClaim)] = "name",
        [typeof(V1PodResourceClaimStatus)] = "name",
        [typeof(V1PodCondition)] = "type",
        [typeof(V1NodeCondition)] = "type",
        [typeof(V1NamespaceCondition)] = "type",
        [typeof(V1PersistentVolumeClaimCondition)] = "type",
        [typeof(V1ReplicationControllerCondition)] = "type",
        [typeof(V1ComponentCondition)] = "type",
        [typeof(V1DeploymentCondition)] = "type",
        [typeof(V1ReplicaSetCondition)] = "type",
        [typeof(V1StatefulSetCondition)] = "type",
        [typeof(V1DaemonSetCondition)] = "type",
        [typeof(V1JobCondition)] = "type",
        [typeof(V2HorizontalPodAutoscalerCondition)] = "type",
        [typeof(V1Condition)] = "type",
    };

    private static readonly HashSet<(Type Owner, string Field)> SetLists =
    [
        (typeof(V1ObjectMeta), "finalizers"),
        (typeof(V1NodeSpec), "podCIDRs"),
    ];

    /// <summary>The merge key of a list of <paramref name="elementType"/>, or null when such lists are atomic.</summary>
    public static string? For(Type? elementType) => elementType is null ? null : ByElementType.GetValueOrDefault(elementType);

    /// <summary>Whether the list of strings <paramref name="field"/> of <paramref name="owner"/> merges as a set.</summary>
    public static bool MergesAsSet(Type? owner, string field) => owner is not null && SetLists.Contains((owner, field));
}
