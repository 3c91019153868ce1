using System.Text;
using k8s.Models;
using KubePS.NodeService.Pods;

namespace KubePS.NodeService.Volumes;

/// <summary>One file of a configMap, secret, downwardAPI or projected volume.</summary>
public sealed record ProjectedFile(string Path, byte[] Content, int Mode);

/// <summary>The files of volumes made from data, and how they are written so that a running container sees changes.</summary>
public static class ProjectedFiles
{
    /// <summary>Files are readable by anyone unless the volume says otherwise (0644).</summary>
    public const int DefaultMode = 420;

    /// <summary>Every key as a file, or the chosen <paramref name="items"/> at their paths.</summary>
    public static IReadOnlyList<ProjectedFile> FromData(
        IReadOnlyDictionary<string, byte[]>? data, IList<V1KeyToPath>? items, int? defaultMode, bool optional, string source)
    {
        if (data is null)
        {
            return [];
        }

        var mode = defaultMode ?? DefaultMode;
        if (items is not { Count: > 0 })
        {
            return data.Select(p => new ProjectedFile(p.Key, p.Value, mode)).ToList();
        }

        var files = new List<ProjectedFile>();
        foreach (var item in items)
        {
            if (data.TryGetValue(item.Key, out var content))
            {
                files.Add(new ProjectedFile(item.Path, content, item.Mode ?? mode));
            }
            else if (!optional)
            {
                throw new ContainerConfigException($"{source} references non-existent key: {item.Key}");
            }
        }

        return files;
    }

    /// <summary>The pod's own fields as files; labels and annotations as <c>key="value"</c> lines.</summary>
    public static IReadOnlyList<ProjectedFile> FromDownwardApi(V1Pod pod, IList<V1DownwardAPIVolumeFile>? items, int? defaultMode, string? podIp, string hostIp) =>
        (items ?? []).Select(item =>
        {
            var path = item.FieldRef?.FieldPath ?? throw new ContainerConfigException($"downwardAPI file {item.Path}: only fieldRef is supported on this node");
            var text = path switch
            {
                "metadata.labels" => Lines(pod.Metadata.Labels),
                "metadata.annotations" => Lines(pod.Metadata.Annotations),
                _ => ContainerEnvironment.FieldValue(pod, path, podIp, hostIp),
            };
            return new ProjectedFile(item.Path, Encoding.UTF8.GetBytes(text), item.Mode ?? defaultMode ?? DefaultMode);
        }).ToList();

    /// <summary>
    /// Makes <paramref name="folder"/> hold exactly <paramref name="files"/>: changed files are replaced
    /// by a rename (a reader sees the old or the new content, never half), others left alone.
    /// </summary>
    public static void Write(string folder, IReadOnlyList<ProjectedFile> files)
    {
        Directory.CreateDirectory(folder);
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var target = Path.GetFullPath(Path.Combine(folder, file.Path));
            if (!target.StartsWith(root, StringComparison.Ordinal))
            {
                throw new ContainerConfigException($"file path {file.Path} leaves its volume");
            }

            wanted.Add(target);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(file.Content))
            {
                var temporary = Path.Combine(Path.GetDirectoryName(target)!, $"..{Path.GetFileName(target)}.tmp");
                File.WriteAllBytes(temporary, file.Content);
                SetMode(temporary, file.Mode);
                File.Move(temporary, target, overwrite: true);
            }
            else
            {
                SetMode(target, file.Mode);
            }
        }

        foreach (var stale in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !wanted.Contains(Path.GetFullPath(f))))
        {
            File.Delete(stale);
        }

        foreach (var empty in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length)
            .Where(d => !Directory.EnumerateFileSystemEntries(d).Any()))
        {
            Directory.Delete(empty);
        }
    }

    private static string Lines(IDictionary<string, string>? map) =>
        string.Join('\n', (map ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}=\"{p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\""));

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0b111_111_111));
        }
    }
}
