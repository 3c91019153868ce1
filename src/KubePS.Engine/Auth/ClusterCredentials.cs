using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KubePS.Core.Config;

namespace KubePS.Engine.Auth;

/// <summary>
/// The cluster's CA, the API server's serving certificate and the admin bearer token, made on
/// first start in the engine's data folder and read back on every later one.
/// </summary>
public sealed class ClusterCredentials
{
    private ClusterCredentials(string caPem, X509Certificate2 serving, string adminToken)
    {
        CaCertificatePem = caPem;
        ServingCertificate = serving;
        AdminToken = adminToken;
    }

    public string CaCertificatePem { get; }

    public X509Certificate2 ServingCertificate { get; }

    public string AdminToken { get; }

    public static ClusterCredentials LoadOrCreate(string folder, string bindAddress)
    {
        Directory.CreateDirectory(folder);
        var caCert = Path.Combine(folder, "ca.crt");
        var caKey = Path.Combine(folder, "ca.key");
        var serverCert = Path.Combine(folder, "apiserver.crt");
        var serverKey = Path.Combine(folder, "apiserver.key");
        var tokenFile = Path.Combine(folder, "admin.token");

        if (!File.Exists(caCert) || !File.Exists(caKey))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=kubeps-ca", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
            KubeConfigWriter.WritePrivateFile(caKey, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(caCert, ca.ExportCertificatePem());
        }

        using var caCertificate = X509Certificate2.CreateFromPemFile(caCert, caKey);
        if (!File.Exists(serverCert) || !File.Exists(serverKey) || !Covers(serverCert, bindAddress))
        {
            IssueServingCertificate(caCertificate, serverCert, serverKey, bindAddress);
        }

        if (!File.Exists(tokenFile))
        {
            KubeConfigWriter.WritePrivateFile(tokenFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant());
        }

        // Kestrel on some platforms needs a certificate whose key is not ephemeral: round-trip it through PKCS#12.
        using var pem = X509Certificate2.CreateFromPemFile(serverCert, serverKey);
        var serving = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        return new ClusterCredentials(File.ReadAllText(caCert), serving, File.ReadAllText(tokenFile).Trim());
    }

    private static void IssueServingCertificate(X509Certificate2 ca, string certPath, string keyPath, string bindAddress)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes");
        names.AddDnsName("kubernetes.default");
        names.AddDnsName("kubernetes.default.svc");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (IPAddress.TryParse(bindAddress, out var bound) && !IPAddress.IsLoopback(bound) && !bound.Equals(IPAddress.Any))
        {
            names.AddIpAddress(bound);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5), serial);
        KubeConfigWriter.WritePrivateFile(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, cert.ExportCertificatePem());
    }

    private static bool Covers(string certPath, string bindAddress)
    {
        if (!IPAddress.TryParse(bindAddress, out var bound) || IPAddress.IsLoopback(bound) || bound.Equals(IPAddress.Any))
        {
            return true;
        }

        using var cert = X509CertificateLoader.LoadCertificateFromFile(certPath);
        var names = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateIPAddresses());
        return names.Contains(bound);
    }
}
