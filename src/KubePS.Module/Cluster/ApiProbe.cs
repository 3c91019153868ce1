using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KubePS.Core.Config;

namespace KubePS.Module.Cluster;

/// <summary>Asks a starting engine's /readyz, trusting only the CA that the engine wrote into its kubeconfig.</summary>
public static class ApiProbe
{
    public static async Task<bool> IsReadyAsync(string kubeConfigPath, int port, CancellationToken cancellationToken)
    {
        if (!File.Exists(kubeConfigPath))
        {
            return false;
        }

        try
        {
            var authorities = KubeClientFactory.LoadConfiguration(kubeConfigPath).SslCaCerts;
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                IsIssuedBy(certificate, authorities, errors);
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await http.GetAsync(new Uri($"https://127.0.0.1:{port}/readyz"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or k8s.Exceptions.KubeConfigException
                                      or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not listening yet, or a kubeconfig from an earlier run whose CA does not match yet.
            return false;
        }
    }

    private static bool IsIssuedBy(X509Certificate? certificate, X509Certificate2Collection? authorities, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || authorities is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        return chain.Build(new X509Certificate2(certificate));
    }
}
