using System.Management.Automation;
using k8s;
using KubePS.Module.Completion;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Connects the session to a cluster, KubePS or any Kubernetes: a context of a kubeconfig file
/// (-KubeConfig, else the first file of $env:KUBECONFIG, else ~/.kube/config; its current context
/// unless -Context), or a server address with a bearer token and CA certificate. The connection is
/// checked before it replaces the session's.
/// </summary>
/// <example><code>Connect-KubeCluster</code>Connects to the current context of the kubeconfig kubectl would use.</example>
/// <example><code>Connect-KubeCluster ./.kubeps/kubeconfig -Namespace shop</code>Connects to a local KubePS cluster, with shop as the namespace cmdlets use when given none.</example>
/// <example><code>Connect-KubeCluster -Server https://127.0.0.1:6443 -Token $token -CertificateAuthority ./ca.crt</code>Connects without a kubeconfig.</example>
[Cmdlet(VerbsCommunications.Connect, "KubeCluster", SupportsShouldProcess = true, DefaultParameterSetName = "KubeConfig", HelpUri = HelpLinks.ConnectKubeCluster)]
[OutputType(typeof(KubeConnectionInfo))]
public sealed class ConnectKubeClusterCommand : KubeCmdlet
{
    /// <summary>The kubeconfig file, e.g. ./.kubeps/kubeconfig; the one kubectl would read when omitted.</summary>
    [Parameter(Position = 0, ParameterSetName = "KubeConfig")]
    [ValidateNotNullOrEmpty]
    public string? KubeConfig { get; set; }

    /// <summary>The context of the kubeconfig to use; its current context when omitted.</summary>
    [Parameter(ParameterSetName = "KubeConfig")]
    [ArgumentCompleter(typeof(ContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The API server's address, e.g. https://127.0.0.1:6443.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Server")]
    public Uri? Server { get; set; }

    /// <summary>The bearer token to authenticate with.</summary>
    [Parameter(ParameterSetName = "Server")]
    [ValidateNotNullOrEmpty]
    public string? Token { get; set; }

    /// <summary>The PEM file of the CA that signed the server's certificate.</summary>
    [Parameter(ParameterSetName = "Server")]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthority { get; set; }

    /// <summary>The namespace cmdlets use when given none; the context's namespace (or default) when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Accepts any server certificate. Only for test clusters: anyone on the path can read the token.</summary>
    [Parameter]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>Writes what the session is now connected to.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = KubeConfig is null ? null : GetUnresolvedProviderPathFromPSPath(KubeConfig);
        var target = Server?.ToString() ?? path ?? KubeSession.DefaultKubeConfigPath() ?? "~/.kube/config";
        if (!ShouldProcess(Context is null ? target : $"{target} ({Context})", VerbsCommunications.Connect))
        {
            return;
        }

        KubeConnection connection;
        try
        {
            connection = Server is not null
                ? KubeSession.Open(Server, Token, CertificateAuthority is null ? null : GetUnresolvedProviderPathFromPSPath(CertificateAuthority), Namespace, SkipTlsVerify)
                : KubeSession.Open(path ?? KubeSession.DefaultKubeConfigPath() ?? throw new FileNotFoundException(Messages.NoKubeConfig), Context, Namespace, SkipTlsVerify);
        }
        catch (Exception e) when (KubeErrors.IsKubeConfigProblem(e))
        {
            ThrowTerminatingError(KubeErrors.KubeConfigInvalid(e, target));
            return;
        }

        try
        {
            Run(async (writer, ct) =>
            {
                var version = await connection.Client.Version.GetCodeAsync(ct);
                KubeSession.Use(connection);
                writer.Verbose(Messages.Connected(connection.Server, version.GitVersion));
                if (PassThru)
                {
                    writer.Object(await KubeClusterInfoReader.ReadAsync(connection, ct));
                }
            });
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            connection.Client.Dispose();
            ThrowTerminatingError(KubeErrors.FromException(e, target));
        }
    }
}
