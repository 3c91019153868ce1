using Docker.DotNet;

namespace KubePS.Bench;

/// <summary>
/// Docker Swarm on this machine's engine, for comparisons. Swarm's agent pulls a service's image
/// before every task unless dockerd runs with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1, and nothing here
/// may reach a registry: without that setting Swarm is not used.
/// </summary>
internal static class SwarmHost
{
    /// <summary>Why Swarm may not be used here, or null.</summary>
    public static string? WhyUnavailable() => DaemonPrefersOfflineImages() ? null
        : "dockerd does not run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1, so its Swarm agent would try to pull from a registry (`.ci/run` and `build.ps1` start dockerd with it).";

    /// <summary>Makes this engine a single-node swarm; true when it was not one before (so <see cref="LeaveAsync"/> undoes it).</summary>
    public static async Task<bool> JoinAsync(DockerClient docker)
    {
        if ((await docker.System.GetSystemInfoAsync()).Swarm.LocalNodeState == "active")
        {
            return false;
        }

        await CliAsync("swarm", "init", "--advertise-addr", "127.0.0.1");
        return true;
    }

    public static async Task LeaveAsync(bool joined)
    {
        if (joined)
        {
            // Leaving keeps the bridge swarm made for its gateways; a machine that had no swarm gets none.
            await CliAsync("swarm", "leave", "--force");
            await CliAsync("network", "rm", "docker_gwbridge");
        }
    }

    public static Task CliAsync(params string[] args) => KubePS.NodeService.Proxy.HostCommand.RunAsync("docker", args);

    private static bool DaemonPrefersOfflineImages() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(p => p!.All(char.IsAsciiDigit)).Any(pid =>
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/comm").Trim() == "dockerd"
                    && File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains("DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });
}
