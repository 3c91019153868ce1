namespace KubePS.NodeService.Node;

/// <summary>What the machine has left, as the kubelet's default eviction signals read it.</summary>
public sealed record NodeResources(long? MemoryAvailableBytes, long DiskAvailableBytes, long DiskTotalBytes, long? ProcessCount, long? ProcessLimit)
{
    /// <summary>The kubelet's default hard eviction thresholds: memory.available &lt; 100Mi, nodefs.available &lt; 10%; PIDs over 90% of the limit.</summary>
    public bool MemoryPressure => MemoryAvailableBytes is { } available && available < 100L * 1024 * 1024;

    public bool DiskPressure => DiskTotalBytes > 0 && DiskAvailableBytes < DiskTotalBytes / 10;

    public bool PidPressure => ProcessCount is { } count && ProcessLimit is { } limit && limit > 0 && count > limit * 9 / 10;

    /// <summary>Reads this machine: /proc on Linux (elsewhere memory and processes are not judged), the data folder's file system.</summary>
    public static NodeResources Read(string dataPath)
    {
        var drive = new DriveInfo(Path.GetFullPath(dataPath));
        long? memory = null;
        long? processes = null;
        long? limit = null;
        if (OperatingSystem.IsLinux())
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            memory = line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            processes = Directory.EnumerateDirectories("/proc").Count(d => Path.GetFileName(d).All(char.IsAsciiDigit));
            limit = long.TryParse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), out var max) ? max : null;
        }

        return new NodeResources(memory, drive.AvailableFreeSpace, drive.TotalSize, processes, limit);
    }
}
