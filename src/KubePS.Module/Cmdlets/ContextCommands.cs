using System.Management.Automation;
using k8s;
using KubePS.Module.Completion;
using KubePS.Module.Errors;
using KubePS.Module.Session;

namespace KubePS.Module.Cmdlets;

/// <summary>Reads what Get-KubeCluster and Connect-KubeCluster -PassThru report about a connection.</summary>
internal static class KubeClusterInfoReader
{
    public static async Task<KubeConnectionInfo> ReadAsync(KubeConnection connection, CancellationToken cancellationToken)
    {
        var version = await connection.Client.Version.GetCodeAsync(cancellationToken);
        var nodes = await connection.Client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken);
        return new KubeConnectionInfo(
            connection.Server, version.GitVersion, connection.Context, connection.Namespace, connection.KubeConfigPath, KubeSession.DataPath,
            nodes.Items.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal).ToList());
    }
}

/// <summary>
/// Shows the cluster the session is connected to (or the one -Context names): its server, version,
/// context, default namespace, kubeconfig, nodes, and the data folder of a local cluster this
/// session started.
/// </summary>
/// <example><code>Get-KubeCluster</code>Shows where the session's cmdlets go.</example>
[Cmdlet(VerbsCommon.Get, "KubeCluster", HelpUri = HelpLinks.Contexts)]
[OutputType(typeof(KubeConnectionInfo))]
public sealed class GetKubeClusterCommand : KubeApiCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord() =>
        RunForItem(Connection.Server, async (writer, ct) => writer.Object(await KubeClusterInfoReader.ReadAsync(Connection, ct)));
}

/// <summary>Disconnects the session: cmdlets fail with KubePS.NotConnected until the next Connect-KubeCluster or Start-KubeCluster.</summary>
/// <example><code>Disconnect-KubeCluster</code>Forgets the session's connections.</example>
[Cmdlet(VerbsCommunications.Disconnect, "KubeCluster", SupportsShouldProcess = true, HelpUri = HelpLinks.Contexts)]
[OutputType(typeof(void))]
public sealed class DisconnectKubeClusterCommand : KubeCmdlet
{
    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (KubeSession.Current is { } current && ShouldProcess(current.Server, VerbsCommunications.Disconnect))
        {
            KubeSession.Disconnect();
        }
    }
}

/// <summary>
/// Lists the contexts of a kubeconfig file (the session's, else the one kubectl would read): each
/// one's cluster, server, user and default namespace, and which one the session uses.
/// </summary>
/// <example><code>Get-KubeContext</code>Lists the contexts, the session's marked Current.</example>
[Cmdlet(VerbsCommon.Get, "KubeContext", HelpUri = HelpLinks.Contexts)]
[OutputType(typeof(KubeContextInfo))]
public sealed class GetKubeContextCommand : KubeCmdlet
{
    /// <summary>Names of the contexts to list; wildcards allowed. All when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>The kubeconfig file to read; the session's (else the one kubectl would read) when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubeConfig { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = KubeConfig is not null ? GetUnresolvedProviderPathFromPSPath(KubeConfig) : KubeSession.Current?.KubeConfigPath ?? KubeSession.DefaultKubeConfigPath();
        if (path is null)
        {
            ThrowTerminatingError(KubeErrors.KubeConfigInvalid(new FileNotFoundException(Messages.NoKubeConfig), null));
            return;
        }

        try
        {
            var (contexts, clusters, currentContext) = KubeSession.ReadContexts(path);
            var session = KubeSession.Current;
            var inUse = session?.KubeConfigPath == path ? session.Context : currentContext;
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (var context in contexts.Where(c => patterns is null || patterns.Any(p => p.IsMatch(c.Name))))
            {
                var isCurrent = context.Name == inUse;
                var ns = isCurrent && session?.KubeConfigPath == path ? session.Namespace : context.ContextDetails?.Namespace ?? Core.Kinds.WellKnown.DefaultNamespace;
                WriteObject(new KubeContextInfo(
                    context.Name, context.ContextDetails?.Cluster, clusters.FirstOrDefault(c => c.Name == context.ContextDetails?.Cluster)?.ClusterEndpoint?.Server,
                    context.ContextDetails?.User, ns, path, isCurrent));
            }
        }
        catch (Exception e) when (KubeErrors.IsKubeConfigProblem(e))
        {
            ThrowTerminatingError(KubeErrors.KubeConfigInvalid(e, path));
        }
    }
}

/// <summary>
/// Switches the session to another context of its kubeconfig (-Name), and sets the namespace its
/// cmdlets use when given none (-Namespace), for this session only: the kubeconfig file is not changed.
/// </summary>
/// <example><code>Set-KubeContext staging</code>Sends the session's cmdlets to the staging context.</example>
/// <example><code>Set-KubeContext -Namespace shop</code>Makes shop the namespace cmdlets use when given none.</example>
[Cmdlet(VerbsCommon.Set, "KubeContext", SupportsShouldProcess = true, HelpUri = HelpLinks.Contexts)]
[OutputType(typeof(KubeContextInfo))]
public sealed class SetKubeContextCommand : KubeCmdlet
{
    /// <summary>The context to switch to.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(ContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The namespace the session's cmdlets use when given none.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Writes the context the session now uses.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override bool RequiresConnection => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Name is null && Namespace is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(Messages.NameOrNamespaceRequired), ErrorIds.Invalid, ErrorCategory.InvalidArgument, null));
            return;
        }

        var session = KubeSession.Current;
        var path = session?.KubeConfigPath ?? KubeSession.DefaultKubeConfigPath();
        var target = Name ?? session?.Context ?? session?.Server ?? "";
        if (!ShouldProcess(Namespace is null ? target : $"{target} (namespace {Namespace})", VerbsCommon.Set))
        {
            return;
        }

        try
        {
            var connection = Name is not null
                ? KubeSession.Open(path ?? throw new FileNotFoundException(Messages.NoKubeConfig), Name, Namespace, false)
                : (session ?? throw new KubeException(Messages.NotConnected, null, ErrorIds.NotConnected, ErrorCategory.ConnectionError)) with { Namespace = Namespace! };
            KubeSession.Use(connection);
            if (PassThru)
            {
                WriteObject(new KubeContextInfo(connection.Context ?? "", null, connection.Server, null, connection.Namespace, connection.KubeConfigPath ?? "", true));
            }
        }
        catch (Exception e) when (KubeErrors.IsKubeConfigProblem(e))
        {
            ThrowTerminatingError(KubeErrors.KubeConfigInvalid(e, Name));
        }
        catch (KubeException e)
        {
            ThrowTerminatingError(KubeErrors.FromException(e, Name));
        }
    }
}
