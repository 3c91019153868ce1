using System.Diagnostics;

namespace KubePS.NodeService.Proxy;

/// <summary>Runs a host tool (iptables-restore, ip) and reports what it said.</summary>
public static class HostCommand
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? input = null, bool check = true, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(CancellationToken.None);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {(await error).Trim()}");
        }

        return await output;
    }
}
