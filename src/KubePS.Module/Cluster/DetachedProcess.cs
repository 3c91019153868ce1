using System.Diagnostics;

namespace KubePS.Module.Cluster;

/// <summary>Starts a program that outlives the PowerShell session which started it.</summary>
public static class DetachedProcess
{
    /// <summary>Starts <c>dotnet</c> with the arguments, output appended to <paramref name="logPath"/>; returns its pid.</summary>
    public static async Task<int> StartDotnetAsync(IReadOnlyList<string> arguments, string logPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        return OperatingSystem.IsWindows()
            ? StartOnWindows(arguments)
            : await StartWithSetsidAsync(arguments, logPath, cancellationToken);
    }

    /// <summary>
    /// On Unix the child must leave the session's process group and terminal, or closing the terminal
    /// (SIGHUP) and Ctrl+C would reach it. setsid forks when its caller leads a process group, so $! is
    /// not always the program's pid: the inner shell reports its own pid on fd 3 and then execs the program.
    /// </summary>
    private static async Task<int> StartWithSetsidAsync(IReadOnlyList<string> arguments, string logPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-c", "log=$1; shift; setsid sh -c 'echo $$ >&3; exec \"$@\" 3>&-' sh \"$@\" 3>&1 </dev/null >>\"$log\" 2>&1 &", "sh", logPath, DotnetHost])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken);
        await shell.WaitForExitAsync(cancellationToken);
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int StartOnWindows(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost) { UseShellExecute = false, CreateNoWindow = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        return process.Id;
    }

    /// <summary>The dotnet host running this PowerShell when it is one (dotnet pwsh), else dotnet on the PATH.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
