using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KubePS.Module.Cluster;

/// <summary>Finds, signals and kills the cluster's processes by pid.</summary>
public static partial class ProcessControl
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>
    /// Whether <paramref name="pid"/> runs and is the process we mean: pids are reused, so on Linux its
    /// command line must name the program and the data folder.
    /// </summary>
    public static bool IsRunning(int? pid, params string[] commandLineParts)
    {
        if (pid is not { } id)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            var cmdline = $"/proc/{id}/cmdline";
            try
            {
                var text = File.ReadAllText(cmdline).Replace('\0', ' ');
                return text.Length > 0 && commandLineParts.All(p => text.Contains(p, StringComparison.Ordinal));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Asks the process to stop gracefully: SIGTERM on Unix; Windows has no such signal, so a kill.</summary>
    public static void Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            Kill(pid);
            return;
        }

        _ = SendSignal(pid, SigTerm);
    }

    public static void Kill(int pid)
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = SendSignal(pid, SigKill);
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    public static int? ReadPidFile(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
