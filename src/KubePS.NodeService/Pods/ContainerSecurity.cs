using System.Globalization;
using k8s.Models;

namespace KubePS.NodeService.Pods;

/// <summary>
/// A container's securityContext over its pod's, in the runtime's terms: the user and groups it
/// runs as, a read-only root filesystem, privilege (refused unless the node allows it) and
/// capabilities added and dropped.
/// </summary>
public static class ContainerSecurity
{
    public sealed record Settings(string? User, IList<string> SupplementalGroups, bool ReadOnlyRootFilesystem, bool Privileged, IList<string> Add, IList<string> Drop);

    public static Settings For(V1Pod pod, V1Container container, bool allowPrivileged, string nodeName)
    {
        var podContext = pod.Spec.SecurityContext;
        var context = container.SecurityContext;
        var uid = context?.RunAsUser ?? podContext?.RunAsUser;
        var gid = context?.RunAsGroup ?? podContext?.RunAsGroup;
        var privileged = context?.Privileged == true;
        if (privileged && !allowPrivileged)
        {
            throw new ContainerConfigException($"container {container.Name} is privileged, and node {nodeName} does not allow privileged containers");
        }

        var user = uid is null ? (gid is null ? null : $"0:{gid}") : gid is null ? Text(uid.Value) : $"{Text(uid.Value)}:{Text(gid.Value)}";
        var groups = (podContext?.SupplementalGroups ?? []).OfType<long>().Select(Text).ToList();
        if (podContext?.FsGroup is { } fsGroup)
        {
            groups.Add(Text(fsGroup));
        }

        return new Settings(
            user,
            groups,
            context?.ReadOnlyRootFilesystem == true,
            privileged,
            (context?.Capabilities?.Add ?? []).ToList(),
            (context?.Capabilities?.Drop ?? []).ToList());
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
