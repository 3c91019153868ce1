using System.Diagnostics;

namespace KubePS.Engine.Tests.Api;

/// <summary>Runs kubectl 1.32 against an engine with the kubeconfig it wrote and a fresh discovery cache in a scratch folder.</summary>
public sealed class KubectlRunner(string kubeConfigPath, string scratchFolder)
{
    private readonly string _cache = Path.Combine(scratchFolder, "kubectl-cache-" + Guid.NewGuid().ToString("N")[..6]);

    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<(int ExitCode, string Output)> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(args, stdin is not null))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Starts a long-running kubectl (a watch); the caller reads its output and kills it.</summary>
    public Process Start(params string[] args) => Process.Start(StartInfo(args, false))!;

    private ProcessStartInfo StartInfo(string[] args, bool redirectInput)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        foreach (var arg in new[] { "--kubeconfig", kubeConfigPath, "--cache-dir", _cache }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}
