using System.Collections;
using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>Gets Services, each with an Endpoints member counting its ready endpoints.</summary>
/// <example><code>Get-KubeService</code>Lists the Services with type, cluster IP, ports and ready endpoints.</example>
[Cmdlet(VerbsCommon.Get, "KubeService", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Service)]
[OutputType(typeof(V1Service))]
public sealed class GetKubeServiceCommand : GetNamespacedKubeObjectCmdlet<V1Service>
{
    protected override string Kind => "services";

    protected override async Task<IList<V1Service>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        await WithEndpointCountsAsync((await Client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items, ns, ct);

    protected override async Task<IList<V1Service>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        await WithEndpointCountsAsync((await Client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items, null, ct);

    protected override async Task<V1Service> ReadInAsync(string ns, string name, CancellationToken ct) =>
        (await WithEndpointCountsAsync([await Client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: ct)], ns, ct))[0];

    // The count of ready addresses, as a member PowerShell keeps with the object (and the table view shows).
    private async Task<IList<V1Service>> WithEndpointCountsAsync(IList<V1Service> services, string? ns, CancellationToken ct)
    {
        var endpoints = ns is null
            ? await Client.CoreV1.ListEndpointsForAllNamespacesAsync(cancellationToken: ct)
            : await Client.CoreV1.ListNamespacedEndpointsAsync(ns, cancellationToken: ct);
        var counts = endpoints.Items.ToDictionary(
            e => (e.Metadata.NamespaceProperty, e.Metadata.Name),
            e => (e.Subsets ?? []).Sum(s => s.Addresses?.Count ?? 0));
        foreach (var service in services)
        {
            var count = counts.GetValueOrDefault((service.Metadata.NamespaceProperty, service.Metadata.Name));
            var members = PSObject.AsPSObject(service).Properties;
            members.Remove("Endpoints");
            members.Add(new PSNoteProperty("Endpoints", count));
        }

        return services;
    }
}

/// <summary>
/// Creates a Service: -Selector and -Port (and -TargetPort, -Type, -NodePort), or -Deployment to
/// expose a Deployment's pods (its selector, and its first container port unless -TargetPort says).
/// </summary>
/// <example><code>New-KubeService web -Deployment web -Port 80 -TargetPort 8080 -Type NodePort</code>Exposes Deployment web on port 80 and a NodePort.</example>
/// <example><code>New-KubeService db -Selector @{ app = 'db' } -Port 5432 -Headless</code>Creates a headless Service for a StatefulSet.</example>
[Cmdlet(VerbsCommon.New, "KubeService", SupportsShouldProcess = true, DefaultParameterSetName = "Selector", HelpUri = HelpLinks.Service)]
[OutputType(typeof(V1Service))]
public sealed class NewKubeServiceCommand : NewNamespacedKubeObjectCmdlet<V1Service>
{
    /// <summary>The labels of the pods the Service sends traffic to, e.g. @{ app = 'web' }.</summary>
    [Parameter(ParameterSetName = "Selector", ValueFromPipelineByPropertyName = true)]
    public Hashtable? Selector { get; set; }

    /// <summary>The Deployment whose pods the Service exposes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Deployment")]
    [ValidateNotNullOrEmpty]
    public string? Deployment { get; set; }

    /// <summary>The ports the Service listens on (one Service port each).</summary>
    [Parameter(Position = 1)]
    [ValidateRange(1, 65535)]
    public int[]? Port { get; set; }

    /// <summary>The pods' port: a number or a container port's name; the Service port when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TargetPort { get; set; }

    /// <summary>How the Service is reached: ClusterIP (default), NodePort, LoadBalancer or ExternalName.</summary>
    [Parameter]
    [ValidateSet("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")]
    public string Type { get; set; } = "ClusterIP";

    /// <summary>The NodePort of the first port (30000-32767); one is chosen when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? NodePort { get; set; }

    /// <summary>The protocol of the ports: TCP (default) or UDP.</summary>
    [Parameter]
    [ValidateSet("TCP", "UDP")]
    public string Protocol { get; set; } = "TCP";

    /// <summary>A headless Service (no cluster IP; DNS answers with the pods' addresses).</summary>
    [Parameter]
    public SwitchParameter Headless { get; set; }

    /// <summary>For -Type ExternalName: the DNS name the Service's name points to.</summary>
    [Parameter]
    public string? ExternalName { get; set; }

    protected override string KindLabel => "service";

    protected override V1Service BuildIn(V1ObjectMeta metadata) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = metadata,
        Spec = new V1ServiceSpec
        {
            Type = Type,
            ClusterIP = Headless ? "None" : null,
            ExternalName = ExternalName,
            Selector = Selector is null ? null : Values.Strings(Selector),
            Ports = (Port ?? []).Select((port, i) => new V1ServicePort
            {
                Name = Port!.Length > 1 ? $"port-{port}" : null,
                Port = port,
                Protocol = Protocol,
                TargetPort = TargetPort is null ? null : int.TryParse(TargetPort, out var number) ? (IntOrString)number : (IntOrString)TargetPort,
                NodePort = i == 0 ? NodePort : null,
            }).ToList(),
        },
    };

    protected override async Task<V1Service> CreateInAsync(string ns, V1Service item, CancellationToken ct)
    {
        if (Deployment is not null)
        {
            var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync(Deployment, ns, cancellationToken: ct);
            item.Spec.Selector = deployment.Spec.Selector.MatchLabels
                ?? throw new KubeException($"Deployment {ns}/{Deployment} selects its pods by expressions only, which a Service selector cannot say.",
                    null, ErrorIds.Invalid, ErrorCategory.InvalidArgument);
            var containerPort = deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault();
            if (item.Spec.Ports.Count == 0)
            {
                var port = containerPort?.ContainerPort
                    ?? throw new KubeException($"Deployment {ns}/{Deployment} declares no container port; give -Port.", null, ErrorIds.Invalid, ErrorCategory.InvalidArgument);
                item.Spec.Ports.Add(new V1ServicePort { Port = port, Protocol = Protocol, NodePort = NodePort });
            }

            // As kubectl expose: the Service's ports lead to the pods' first declared port.
            foreach (var port in item.Spec.Ports.Where(p => p.TargetPort is null && containerPort is not null))
            {
                port.TargetPort = containerPort!.ContainerPort;
            }
        }

        return await Client.CoreV1.CreateNamespacedServiceAsync(item, ns, cancellationToken: ct);
    }
}

/// <summary>Changes a Service: its selector, type, or the NodePort of its first port; or replaces it with -InputObject.</summary>
/// <example><code>Set-KubeService web -Selector @{ app = 'web'; track = 'green' }</code>Points Service web at other pods.</example>
[Cmdlet(VerbsCommon.Set, "KubeService", SupportsShouldProcess = true, DefaultParameterSetName = "Name", HelpUri = HelpLinks.Service)]
[OutputType(typeof(V1Service))]
public sealed class SetKubeServiceCommand : SetNamespacedKubeObjectCmdlet<V1Service>
{
    /// <summary>The new selector; it replaces the old one.</summary>
    [Parameter]
    public Hashtable? Selector { get; set; }

    /// <summary>The new type: ClusterIP, NodePort or LoadBalancer.</summary>
    [Parameter]
    [ValidateSet("ClusterIP", "NodePort", "LoadBalancer")]
    public string? Type { get; set; }

    /// <summary>The new NodePort of the first port (30000-32767).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? NodePort { get; set; }

    protected override string KindLabel => "service";

    protected override void Change(V1Service current)
    {
        current.Spec.Selector = Selector is null ? current.Spec.Selector : Values.Strings(Selector);
        if (Type is not null)
        {
            current.Spec.Type = Type;
            if (Type == "ClusterIP")
            {
                // A ClusterIP Service has no NodePorts; the server frees them.
                foreach (var port in current.Spec.Ports ?? [])
                {
                    port.NodePort = null;
                }
            }
        }

        if (NodePort is not null && current.Spec.Ports is [var first, ..])
        {
            first.NodePort = NodePort;
        }
    }

    protected override Task<V1Service> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedServiceAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Service> ReplaceAsync(V1Service item, CancellationToken ct) =>
        Client.CoreV1.ReplaceNamespacedServiceAsync(item, item.Metadata.Name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Deletes Services (their cluster IP and NodePorts are freed).</summary>
/// <example><code>Remove-KubeService web</code>Removes Service web; its cluster IP and NodePort are freed.</example>
[Cmdlet(VerbsCommon.Remove, "KubeService", SupportsShouldProcess = true, HelpUri = HelpLinks.Service)]
[OutputType(typeof(V1Service))]
public sealed class RemoveKubeServiceCommand : RemoveNamespacedKubeObjectCmdlet<V1Service>
{
    protected override string KindLabel => "service";

    protected override async Task<V1Service?> DeleteAsync(string name, CancellationToken ct) =>
        await Client.CoreV1.DeleteNamespacedServiceAsync(name, EffectiveNamespace, cancellationToken: ct);

    protected override Task<V1Service> ReadAsync(string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedServiceAsync(name, EffectiveNamespace, cancellationToken: ct);
}

/// <summary>Gets Endpoints: the ready (and not ready) pod addresses behind each Service.</summary>
/// <example><code>Get-KubeEndpoints web</code>Shows the pod addresses behind Service web.</example>
[Cmdlet(VerbsCommon.Get, "KubeEndpoints", DefaultParameterSetName = "Namespace", HelpUri = HelpLinks.Service)]
[OutputType(typeof(V1Endpoints))]
public sealed class GetKubeEndpointsCommand : GetNamespacedKubeObjectCmdlet<V1Endpoints>
{
    protected override string Kind => "endpoints";

    protected override async Task<IList<V1Endpoints>> ListInAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListNamespacedEndpointsAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override async Task<IList<V1Endpoints>> ListEverywhereAsync(string? labelSelector, CancellationToken ct) =>
        (await Client.CoreV1.ListEndpointsForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct)).Items;

    protected override Task<V1Endpoints> ReadInAsync(string ns, string name, CancellationToken ct) =>
        Client.CoreV1.ReadNamespacedEndpointsAsync(name, ns, cancellationToken: ct);
}
