using KubePS.NodeService.Pods;

namespace KubePS.NodeService.Volumes;

/// <summary>hostPath volumes: the path on the node, checked or created per its <c>type</c>.</summary>
public static class HostPathVolume
{
    public static string Prepare(string path, string? type)
    {
        switch (type ?? "")
        {
            case "":
                break;
            case "DirectoryOrCreate":
                if (!Directory.Exists(path))
                {
                    Directory.CreateDirectory(path);
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
                    }
                }

                break;
            case "Directory":
                Check(Directory.Exists(path), path, "a directory");
                break;
            case "FileOrCreate":
                if (!File.Exists(path))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                    File.WriteAllBytes(path, []);
                }

                break;
            case "File":
                Check(File.Exists(path), path, "a file");
                break;
            case "Socket" or "CharDevice" or "BlockDevice":
                Check(File.Exists(path) || Directory.Exists(path), path, type!.ToLowerInvariant());
                break;
            default:
                throw new ContainerConfigException($"hostPath type {type} is not known");
        }

        return path;
    }

    private static void Check(bool ok, string path, string what)
    {
        if (!ok)
        {
            throw new ContainerConfigException($"hostPath type check failed: {path} is not {what}");
        }
    }
}
