using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.NodeService.Pods;
using KubePS.NodeService.Runtime;

namespace KubePS.NodeService.Volumes;

/// <summary>A pod's volume is not ready to mount (a missing ConfigMap, an unbound claim): the pod stays ContainerCreating.</summary>
public sealed class VolumeNotReadyException(string message) : Exception(message);

/// <summary>
/// Sets up a pod's volumes on this node, as the kubelet's volume manager: each under
/// <c>{data}/pods/{uid}/volumes/{name}</c> (emptyDir, and the files of configMap, secret,
/// downwardAPI and projected volumes, rewritten whenever the pod is synced so that changes reach
/// running containers), hostPath and persistent volumes where they are, and memory-backed emptyDirs
/// as tmpfs volumes of the runtime. Removed with the pod.
/// </summary>
public sealed class VolumeManager(IKubernetes api, IContainerRuntime runtime, NodeOptions options)
{
    private string PodsFolder => Path.Combine(Path.GetFullPath(options.DataPath), "pods");

    /// <summary>Where each of the pod's volumes is, by volume name: a host path, or the name of a runtime volume.</summary>
    public async Task<IReadOnlyDictionary<string, VolumeSource>> SetUpAsync(V1Pod pod, string? podIp, CancellationToken cancellationToken)
    {
        var sources = new Dictionary<string, VolumeSource>();
        var objects = new ObjectSources(api, pod.Metadata.NamespaceProperty);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            try
            {
                sources[volume.Name] = await SetUpAsync(pod, volume, podIp, objects, cancellationToken);
            }
            catch (ContainerConfigException e)
            {
                throw new VolumeNotReadyException($"MountVolume.SetUp failed for volume \"{volume.Name}\" : {e.Message}");
            }
        }

        return sources;
    }

    /// <summary>The mounts of one container, from its volumeMounts.</summary>
    public static IList<Mount> MountsFor(V1Container container, IReadOnlyDictionary<string, VolumeSource> sources)
    {
        var mounts = new List<Mount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!sources.TryGetValue(mount.Name, out var source))
            {
                throw new ContainerConfigException($"volume \"{mount.Name}\" is not a volume of the pod");
            }

            var path = source.Path;
            if (!string.IsNullOrEmpty(mount.SubPath) && !source.RuntimeVolume)
            {
                path = Path.Combine(path, mount.SubPath);
                Directory.CreateDirectory(path);
            }

            mounts.Add(new Mount(path, mount.MountPath, mount.ReadOnlyProperty == true || source.ReadOnly));
        }

        return mounts;
    }

    /// <summary>Removes the folders and memory volumes of pods no longer on this node.</summary>
    public async Task RetainAsync(IReadOnlySet<string> podUids, CancellationToken cancellationToken)
    {
        if (Directory.Exists(PodsFolder))
        {
            foreach (var folder in Directory.GetDirectories(PodsFolder).Where(f => !podUids.Contains(Path.GetFileName(f))))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        await runtime.RemoveMemoryVolumesAsync(options.NodeName, podUids, cancellationToken);
    }

    private async Task<VolumeSource> SetUpAsync(V1Pod pod, V1Volume volume, string? podIp, ObjectSources objects, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(PodsFolder, pod.Metadata.Uid, "volumes", volume.Name);
        switch (volume)
        {
            case { EmptyDir.Medium: "Memory" }:
                var name = $"kubeps_{options.NodeName}_{pod.Metadata.Uid}_{volume.Name}";
                var labels = new Dictionary<string, string>
                {
                    [WellKnown.ContainerLabels.Node] = options.NodeName,
                    [WellKnown.ContainerLabels.PodUid] = pod.Metadata.Uid,
                };
                await runtime.EnsureMemoryVolumeAsync(name, volume.EmptyDir.SizeLimit is { } limit ? (long)limit.ToDecimal() : null, labels, cancellationToken);
                return new VolumeSource(name, ReadOnly: false, RuntimeVolume: true);
            case { EmptyDir: not null }:
                CreateShared(folder);
                return new VolumeSource(folder, ReadOnly: false);
            case { HostPath: { } hostPath }:
                return new VolumeSource(HostPathVolume.Prepare(hostPath.Path, hostPath.Type), ReadOnly: false);
            case { PersistentVolumeClaim: { } claim }:
                return new VolumeSource(await ClaimPathAsync(pod.Metadata.NamespaceProperty, claim.ClaimName, cancellationToken), claim.ReadOnlyProperty == true);
            default:
                var files = await FilesAsync(pod, volume, podIp, objects, cancellationToken);
                if (files is null)
                {
                    throw new ContainerConfigException("this kind of volume is not supported by this node");
                }

                ProjectedFiles.Write(folder, files);
                return new VolumeSource(folder, ReadOnly: true);
        }
    }

    private async Task<IReadOnlyList<ProjectedFile>?> FilesAsync(V1Pod pod, V1Volume volume, string? podIp, ObjectSources objects, CancellationToken cancellationToken)
    {
        switch (volume)
        {
            case { ConfigMap: { } cm }:
                return ProjectedFiles.FromData(await objects.ConfigMapAsync(cm.Name, cm.Optional == true, cancellationToken), cm.Items, cm.DefaultMode, cm.Optional == true, $"configmap \"{cm.Name}\"");
            case { Secret: { } secret }:
                return ProjectedFiles.FromData(await objects.SecretAsync(secret.SecretName, secret.Optional == true, cancellationToken), secret.Items, secret.DefaultMode, secret.Optional == true, $"secret \"{secret.SecretName}\"");
            case { DownwardAPI: { } downward }:
                return ProjectedFiles.FromDownwardApi(pod, downward.Items, downward.DefaultMode, podIp, options.BindAddress);
            case { Projected: { } projected }:
                var files = new List<ProjectedFile>();
                foreach (var source in projected.Sources ?? [])
                {
                    files.AddRange(source switch
                    {
                        { ConfigMap: { } cm } => ProjectedFiles.FromData(await objects.ConfigMapAsync(cm.Name, cm.Optional == true, cancellationToken), cm.Items, projected.DefaultMode, cm.Optional == true, $"configmap \"{cm.Name}\""),
                        { Secret: { } s } => ProjectedFiles.FromData(await objects.SecretAsync(s.Name, s.Optional == true, cancellationToken), s.Items, projected.DefaultMode, s.Optional == true, $"secret \"{s.Name}\""),
                        { DownwardAPI: { } d } => ProjectedFiles.FromDownwardApi(pod, d.Items, projected.DefaultMode, podIp, options.BindAddress),
                        _ => throw new ContainerConfigException("only configMap, secret and downwardAPI sources can be projected on this node"),
                    });
                }

                return files;
            default:
                return null;
        }
    }

    // A claim mounts the folder of the volume it is bound to.
    private async Task<string> ClaimPathAsync(string ns, string claimName, CancellationToken cancellationToken)
    {
        V1PersistentVolumeClaim claim;
        try
        {
            claim = await api.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(claimName, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new ContainerConfigException($"persistentvolumeclaim \"{claimName}\" not found");
        }

        if (claim.Status?.Phase != "Bound" || string.IsNullOrEmpty(claim.Spec.VolumeName))
        {
            throw new ContainerConfigException($"persistentvolumeclaim \"{claimName}\" is not bound");
        }

        var volume = await api.CoreV1.ReadPersistentVolumeAsync(claim.Spec.VolumeName, cancellationToken: cancellationToken);
        var path = volume.Spec.HostPath?.Path ?? volume.Spec.Local?.Path
            ?? throw new ContainerConfigException($"persistentvolume \"{volume.Metadata.Name}\" is neither hostPath nor local");
        return HostPathVolume.Prepare(path, "DirectoryOrCreate");
    }

    // An emptyDir is writable by every user a container may run as, as the kubelet makes it.
    private static void CreateShared(string folder)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        }
    }
}

/// <summary>Where a volume is: a host path, or (<see cref="RuntimeVolume"/>) the name of a runtime volume.</summary>
public sealed record VolumeSource(string Path, bool ReadOnly, bool RuntimeVolume = false);
