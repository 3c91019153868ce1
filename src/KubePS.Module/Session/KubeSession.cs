using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.KubeConfigModels;
using KubePS.Core.Config;
using KubePS.Core.Kinds;

namespace KubePS.Module.Session;

/// <summary>
/// The connection shared by every cmdlet of the module. A module is loaded once per runspace, so a
/// static holds one connection per process; KubePS sessions are interactive shells and scripts, where
/// that is what a user expects (like kubectl's current context). Other contexts a cmdlet names with
/// -Context get connections of their own, kept for the session.
/// </summary>
public static class KubeSession
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<(string Path, string Context), KubeConnection> Others = [];
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

    /// <summary>
    /// The kubeconfig file kubectl would read: the first existing file of $KUBECONFIG, else
    /// ~/.kube/config; null when there is none.
    /// </summary>
    public static string? DefaultKubeConfigPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return fromEnvironment.Append(home).FirstOrDefault(File.Exists);
    }

    /// <summary>Connects the session to a context of a kubeconfig file (its current context when null).</summary>
    public static KubeConnection Connect(string kubeConfigPath, string? context, string? ns = null, bool skipTlsVerify = false)
    {
        var connection = Open(kubeConfigPath, context, ns, skipTlsVerify);
        Use(connection);
        return connection;
    }

    /// <summary>A connection to a server by address and bearer token, without a kubeconfig (not yet the session's).</summary>
    public static KubeConnection Open(Uri server, string? token, string? certificateAuthorityPath, string? ns, bool skipTlsVerify)
    {
        var configuration = new KubernetesClientConfiguration
        {
            Host = server.ToString(),
            AccessToken = token,
            SkipTlsVerify = skipTlsVerify,
        };
        if (certificateAuthorityPath is not null)
        {
            configuration.SslCaCerts = [X509CertificateLoader.LoadCertificateFromFile(certificateAuthorityPath)];
        }

        return new KubeConnection(new KubeClient(configuration), configuration.Host, ns ?? WellKnown.DefaultNamespace, null, null);
    }

    /// <summary>
    /// The connection for a context a cmdlet names with -Context: of the session's kubeconfig, else of
    /// the default one. The session's own connection stays as it is.
    /// </summary>
    public static KubeConnection ForContext(string context)
    {
        var path = Current?.KubeConfigPath ?? DefaultKubeConfigPath()
            ?? throw new FileNotFoundException(Messages.NoKubeConfig);
        if (Current is { } session && session.KubeConfigPath == path && session.Context == context)
        {
            return session;
        }

        lock (Gate)
        {
            if (!Others.TryGetValue((path, context), out var connection))
            {
                connection = Open(path, context, null, false);
                Others[(path, context)] = connection;
            }

            return connection;
        }
    }

    /// <summary>Makes <paramref name="connection"/> the session's connection (Set-KubeContext -Namespace).</summary>
    public static void Use(KubeConnection connection)
    {
        lock (Gate)
        {
            if (current is not null && !ReferenceEquals(current.Client, connection.Client) && !Others.ContainsValue(current))
            {
                current.Client.Dispose();
            }

            current = connection;
        }
    }

    /// <summary>Forgets every connection (Disconnect-KubeCluster).</summary>
    public static void Disconnect()
    {
        lock (Gate)
        {
            foreach (var client in Others.Values.Select(c => c.Client).Append(current?.Client).OfType<KubeClient>().Distinct())
            {
                client.Dispose();
            }

            Others.Clear();
            current = null;
        }
    }

    /// <summary>The contexts of a kubeconfig file, and which one is its current context.</summary>
    public static (IReadOnlyList<Context> Contexts, IReadOnlyList<k8s.KubeConfigModels.Cluster> Clusters, string? CurrentContext) ReadContexts(string kubeConfigPath)
    {
        var config = KubernetesClientConfiguration.LoadKubeConfig(kubeConfigPath);
        return (config.Contexts?.ToList() ?? [], config.Clusters?.ToList() ?? [], config.CurrentContext);
    }

    /// <summary>A connection to a context of a kubeconfig file (not yet the session's).</summary>
    public static KubeConnection Open(string kubeConfigPath, string? context, string? ns, bool skipTlsVerify)
    {
        var configuration = KubeClientFactory.LoadConfiguration(kubeConfigPath, context);
        configuration.SkipTlsVerify |= skipTlsVerify;
        return new KubeConnection(
            new KubeClient(configuration),
            configuration.Host,
            ns ?? (string.IsNullOrEmpty(configuration.Namespace) ? WellKnown.DefaultNamespace : configuration.Namespace),
            kubeConfigPath,
            context ?? configuration.CurrentContext);
    }
}
