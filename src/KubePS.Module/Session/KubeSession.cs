using k8s;
using KubePS.Core.Config;
using KubePS.Core.Kinds;

namespace KubePS.Module.Session;

/// <summary>
/// The connection shared by every cmdlet of the module. A module is loaded once per runspace, so a
/// static holds one connection per process; KubePS sessions are interactive shells and scripts, where
/// that is what a user expects (like kubectl's current context).
/// </summary>
public static class KubeSession
{
    private static readonly Lock Gate = new();
    private static KubeConnection? current;

    public static KubeConnection? Current
    {
        get
        {
            lock (Gate)
            {
                return current;
            }
        }
    }

    /// <summary>The data folder of the cluster the last Start-KubeCluster in this session started.</summary>
    public static string? DataPath { get; set; }

    public static KubeConnection Connect(string kubeConfigPath, string? context)
    {
        var configuration = KubeClientFactory.LoadConfiguration(kubeConfigPath, context);
        var connection = new KubeConnection(
            new KubeClient(configuration),
            configuration.Host,
            string.IsNullOrEmpty(configuration.Namespace) ? WellKnown.DefaultNamespace : configuration.Namespace,
            kubeConfigPath,
            context);
        lock (Gate)
        {
            (current?.Client as IDisposable)?.Dispose();
            current = connection;
        }

        return connection;
    }
}
