using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Engine.Tests.Api;

namespace KubePS.Engine.Tests.Controllers;

/// <summary>Cluster IP and NodePort allocation, and the Endpoints and EndpointSlice controllers, on a real engine.</summary>
public sealed class ServiceTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Service Service(string name, string? clusterIp = null, string type = "ClusterIP", int? nodePort = null, string? app = null, string targetPort = "80") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Selector = app is null ? null : new Dictionary<string, string> { ["app"] = app },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = targetPort, NodePort = nodePort }],
        },
    };

    private static V1Status StatusOf(HttpOperationException e) =>
        JsonSerializer.Deserialize<V1Status>(e.Response.Content, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private async Task<V1Status> RefusedAsync(Func<Task> write)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(write);
        Assert.Equal((HttpStatusCode)422, e.Response.StatusCode);
        return StatusOf(e);
    }

    [Fact]
    public async Task Every_cluster_has_the_kubernetes_service_at_the_first_address_and_the_dns_service_at_the_tenth()
    {
        var api = await Client.ReadNamespacedServiceAsync("kubernetes", "default");
        Assert.Equal("10.96.0.1", api.Spec.ClusterIP);
        var endpoints = await ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedEndpointsAsync("default", fieldSelector: "metadata.name=kubernetes")).Items.FirstOrDefault());
        Assert.Equal(Client.BaseUri.Port, Assert.Single(Assert.Single(endpoints.Subsets).Ports).Port);

        var dns = await Client.ReadNamespacedServiceAsync("kube-dns", "kube-system");
        Assert.Equal("10.96.0.10", dns.Spec.ClusterIP);
        Assert.Equal(["TCP", "UDP"], dns.Spec.Ports.Select(p => p.Protocol).Order());
    }

    [Fact]
    public async Task Cluster_ips_and_node_ports_are_allocated_from_their_ranges_refused_when_taken_and_freed_on_delete()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "svc-alloc");
        var web = await Client.CreateNamespacedServiceAsync(Service("web", type: "NodePort"), ns);
        var ip = IPAddress.Parse(web.Spec.ClusterIP);
        Assert.True(KubePS.Core.Networking.Ipv4Cidr.Parse("10.96.0.0/12").Contains(ip), $"{ip} is outside 10.96.0.0/12");
        Assert.DoesNotContain(web.Spec.ClusterIP, new[] { "10.96.0.1", "10.96.0.10" });
        Assert.Equal([web.Spec.ClusterIP], web.Spec.ClusterIPs);
        Assert.InRange(web.Spec.Ports[0].NodePort!.Value, 30000, 32767);

        var taken = await RefusedAsync(() => Client.CreateNamespacedServiceAsync(Service("copy", clusterIp: web.Spec.ClusterIP), ns));
        Assert.Contains(taken.Details.Causes, c => c.Field == "spec.clusterIPs" && c.Message.Contains("provided IP is already allocated"));
        var outside = await RefusedAsync(() => Client.CreateNamespacedServiceAsync(Service("outside", clusterIp: "192.168.1.1"), ns));
        Assert.Contains(outside.Details.Causes, c => c.Field == "spec.clusterIPs" && c.Message.Contains("not in the valid range"));
        var port = await RefusedAsync(() => Client.CreateNamespacedServiceAsync(Service("port", type: "NodePort", nodePort: web.Spec.Ports[0].NodePort), ns));
        Assert.Contains(port.Details.Causes, c => c.Field == "spec.ports[0].nodePort" && c.Message.Contains("provided port is already allocated"));
        Assert.Equal(["web"], (await Client.ListNamespacedServiceAsync(ns)).Items.Select(s => s.Metadata.Name));

        // An update that leaves the cluster IP and NodePort out keeps them; changing the IP is refused.
        var replaced = await Client.ReplaceNamespacedServiceAsync(Service("web", type: "NodePort").WithVersion(web), "web", ns);
        Assert.Equal((web.Spec.ClusterIP, web.Spec.Ports[0].NodePort), (replaced.Spec.ClusterIP, replaced.Spec.Ports[0].NodePort));
        var moved = await RefusedAsync(() => Client.ReplaceNamespacedServiceAsync(Service("web", clusterIp: "10.96.200.200", type: "NodePort").WithVersion(replaced), "web", ns));
        Assert.Contains(moved.Details.Causes, c => c.Field == "spec.clusterIPs[0]");

        // NodePort back to ClusterIP frees the port; deleting the Service frees the address.
        await Client.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"type":"ClusterIP","ports":[{"name":"http","port":80,"nodePort":null}]}}""", V1Patch.PatchType.MergePatch), "web", ns);
        await Client.CreateNamespacedServiceAsync(Service("port", type: "NodePort", nodePort: web.Spec.Ports[0].NodePort), ns);
        await Client.DeleteNamespacedServiceAsync("web", ns);
        var again = await Client.CreateNamespacedServiceAsync(Service("copy", clusterIp: web.Spec.ClusterIP), ns);
        Assert.Equal(web.Spec.ClusterIP, again.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_headless_service_gets_no_address_and_an_external_name_service_none_either()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "svc-headless");
        var headless = await Client.CreateNamespacedServiceAsync(Service("db", clusterIp: "None", app: "db"), ns);
        Assert.Equal("None", headless.Spec.ClusterIP);
        var external = await Client.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "ext" },
            Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "db.example.test" },
        }, ns);
        Assert.Null(external.Spec.ClusterIP);
    }

    [Fact]
    public async Task Endpoints_and_slices_list_ready_and_not_ready_pods_with_named_ports_resolved_and_follow_readiness()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "svc-endpoints");
        await CreatePodAsync(ns, "web-a", "web", "10.1.0.2", ready: true, hostname: null);
        await CreatePodAsync(ns, "web-b", "web", "10.1.0.3", ready: false, hostname: null);
        await CreatePodAsync(ns, "other", "other", "10.1.0.4", ready: true, hostname: null);
        var service = await Client.CreateNamespacedServiceAsync(Service("web", app: "web", targetPort: "http-alt"), ns);

        var endpoints = await EndpointsAsync(ns, "web", e => e.Subsets?.Count == 1 && e.Subsets[0].NotReadyAddresses?.Count == 1);
        var subset = endpoints.Subsets[0];
        Assert.Equal(["10.1.0.2"], subset.Addresses.Select(a => a.Ip));
        Assert.Equal(("web-a", "Pod"), (subset.Addresses[0].TargetRef.Name, subset.Addresses[0].TargetRef.Kind));
        Assert.Equal(["10.1.0.3"], subset.NotReadyAddresses.Select(a => a.Ip));
        Assert.Equal((8080, "http"), (subset.Ports[0].Port, subset.Ports[0].Name));

        var slice = await SliceAsync(ns, "web", s => s.Endpoints?.Count == 2);
        Assert.Equal(service.Metadata.Uid, Assert.Single(slice.Metadata.OwnerReferences).Uid);
        Assert.Equal(8080, Assert.Single(slice.Ports).Port);
        Assert.Equal([("10.1.0.2", true), ("10.1.0.3", false)], slice.Endpoints.Select(e => (e.Addresses[0], e.Conditions.Ready == true)));

        await SetStatusAsync(ns, "web-b", "10.1.0.3", ready: true);
        await SetStatusAsync(ns, "web-a", "10.1.0.2", ready: false);
        endpoints = await EndpointsAsync(ns, "web", e => e.Subsets?[0].Addresses?.FirstOrDefault()?.Ip == "10.1.0.3");
        Assert.Equal(["10.1.0.2"], endpoints.Subsets[0].NotReadyAddresses.Select(a => a.Ip));

        await Client.DeleteNamespacedPodAsync("web-b", ns, gracePeriodSeconds: 0);
        await EndpointsAsync(ns, "web", e => e.Subsets?[0].Addresses is null);
        await SliceAsync(ns, "web", s => s.Endpoints?.Count == 1);

        await Client.DeleteNamespacedServiceAsync("web", ns);
        await ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedEndpointsAsync(ns)).Items.Count == 0
            && (await Client.ListNamespacedEndpointSliceAsync(ns)).Items.Count == 0 ? "gone" : null);
    }

    [Fact]
    public async Task A_headless_service_publishes_pod_hostnames_and_publish_not_ready_addresses_counts_every_pod_ready()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "svc-hostnames");
        await CreatePodAsync(ns, "db-0", "db", "10.2.0.2", ready: false, hostname: "db-0");
        var service = Service("db", clusterIp: "None", app: "db");
        service.Spec.PublishNotReadyAddresses = true;
        await Client.CreateNamespacedServiceAsync(service, ns);

        var endpoints = await EndpointsAsync(ns, "db", e => e.Subsets?.Count == 1);
        var address = Assert.Single(endpoints.Subsets[0].Addresses);
        Assert.Equal(("10.2.0.2", "db-0"), (address.Ip, address.Hostname));
        Assert.True(endpoints.Metadata.Labels.ContainsKey("service.kubernetes.io/headless"));
    }

    [Fact]
    public async Task Allocations_survive_an_engine_restart()
    {
        var ns = await Workloads.NewNamespaceAsync(Client, "svc-restart");
        await Client.CreateNamespacedServiceAsync(Service("kept", clusterIp: "10.96.77.77", type: "NodePort", nodePort: 31777), ns);
        await engine.RestartAsync();

        var ip = await RefusedAsync(() => Client.CreateNamespacedServiceAsync(Service("copy", clusterIp: "10.96.77.77"), ns));
        Assert.Contains(ip.Details.Causes, c => c.Field == "spec.clusterIPs");
        var port = await RefusedAsync(() => Client.CreateNamespacedServiceAsync(Service("copy", type: "NodePort", nodePort: 31777), ns));
        Assert.Contains(port.Details.Causes, c => c.Field == "spec.ports[0].nodePort");

        await Client.DeleteNamespacedServiceAsync("kept", ns);
        await Client.CreateNamespacedServiceAsync(Service("copy", clusterIp: "10.96.77.77", type: "NodePort", nodePort: 31777), ns);
    }

    private async Task CreatePodAsync(string ns, string name, string app, string ip, bool ready, string? hostname)
    {
        await Client.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
            Spec = new V1PodSpec
            {
                SchedulerName = "manual",
                Hostname = hostname,
                Subdomain = hostname is null ? null : app,
                Containers = [new V1Container { Name = "main", Image = "kubeps/busybox:1", Ports = [new V1ContainerPort { Name = "http-alt", ContainerPort = 8080 }] }],
            },
        }, ns);
        await SetStatusAsync(ns, name, ip, ready);
    }

    private async Task SetStatusAsync(string ns, string name, string ip, bool ready)
    {
        var pod = await Client.ReadNamespacedPodAsync(name, ns);
        pod.Status.Phase = "Running";
        pod.Status.PodIP = ip;
        pod.Status.PodIPs = [new V1PodIP { Ip = ip }];
        pod.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = DateTime.UtcNow }];
        await Client.ReplaceNamespacedPodStatusAsync(pod, name, ns);
    }

    private Task<V1Endpoints> EndpointsAsync(string ns, string name, Func<V1Endpoints, bool> condition) =>
        ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedEndpointsAsync(ns, fieldSelector: $"metadata.name={name}")).Items.FirstOrDefault(condition), seconds: 5);

    private Task<V1EndpointSlice> SliceAsync(string ns, string service, Func<V1EndpointSlice, bool> condition) =>
        ApiIntegrationTests.Eventually(async () =>
            (await Client.ListNamespacedEndpointSliceAsync(ns, labelSelector: $"kubernetes.io/service-name={service}")).Items is [var only] && condition(only) ? only : null, seconds: 5);
}

internal static class ServiceVersions
{
    /// <summary>The Service carrying <paramref name="current"/>'s resourceVersion, for a replace.</summary>
    public static V1Service WithVersion(this V1Service service, V1Service current)
    {
        service.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
        return service;
    }
}
