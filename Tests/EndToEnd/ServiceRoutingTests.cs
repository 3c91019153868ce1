using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using k8s;
using k8s.Models;
using KubePS.Engine;
using KubePS.NodeService;
using KubePS.NodeService.Proxy;

namespace KubePS.EndToEnd.Tests;

/// <summary>
/// A cluster whose node routes Services in one proxy mode, on a service range, NodePort range and
/// DNS port of its own, so clusters of several test classes route side by side on this machine.
/// </summary>
public abstract class ServiceCluster(string range, string nodePorts, ProxyMode mode, int dnsPort) : ClusterFixture
{
    public string Range => range;

    public ProxyMode Mode => mode;

    protected override EngineOptions Configure(EngineOptions options)
    {
        options.ServiceClusterIpRange = range;
        options.ServiceNodePortRange = nodePorts;
        return options;
    }

    protected override NodeOptions Configure(NodeOptions options)
    {
        options.ServiceClusterIpRange = range;
        options.ProxyMode = mode;
        options.DnsPort = dnsPort;
        return options;
    }
}

public sealed class IptablesServiceCluster() : ServiceCluster("10.200.0.0/16", "30100-30199", ProxyMode.Iptables, 10053);

public sealed class UserspaceServiceCluster() : ServiceCluster("10.201.0.0/16", "30200-30299", ProxyMode.Userspace, 10054);

public sealed class IptablesServiceRoutingTests(IptablesServiceCluster cluster) : ServiceRoutingTests(cluster), IClassFixture<IptablesServiceCluster>;

public sealed class UserspaceServiceRoutingTests(UserspaceServiceCluster cluster) : ServiceRoutingTests(cluster), IClassFixture<UserspaceServiceCluster>;

/// <summary>
/// Services end to end on real Docker, for each proxy mode: busybox httpd backends answer with their
/// pod name; requests come from the host and from inside pods.
/// </summary>
public abstract class ServiceRoutingTests(ClusterFixture cluster)
{
    private Kubernetes Client => cluster.Client;

    [Fact]
    public async Task Requests_to_the_cluster_ip_the_node_port_and_the_dns_name_reach_every_ready_backend_and_only_ready_ones()
    {
        var ns = await NamespaceAsync("routing");
        await Client.CreateNamespacedDeploymentAsync(Backends("web", 2), ns);
        var unready = Backend("never-ready", "web");
        unready.Spec.Containers[0].ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["false"] }, PeriodSeconds = 1 };
        await Client.CreateNamespacedPodAsync(unready, ns);
        var service = await Client.CreateNamespacedServiceAsync(Service("web", "web", "NodePort"), ns);
        var names = await ReadyBackendsAsync(ns, "web", 2);
        await cluster.WaitForPodAsync(ns, "never-ready", p => p.Status?.PodIP is not null);

        Assert.Equal(names, await AnswersFromHostAsync($"http://{service.Spec.ClusterIP}/", names.Count));
        Assert.Equal(names, await AnswersFromHostAsync($"http://127.0.0.1:{service.Spec.Ports[0].NodePort}/", names.Count));

        // The host asks the cluster DNS through the kube-dns Service, then uses the name's address.
        var dnsService = await Client.ReadNamespacedServiceAsync("kube-dns", "kube-system");
        var dns = new DnsClient(IPAddress.Parse(dnsService.Spec.ClusterIP), 3000);
        var answer = await dns.ResolveAsync(DomainName.Parse($"web.{ns}.svc.cluster.local"), RecordType.A);
        var address = Assert.Single(answer!.AnswerRecords.OfType<ARecord>()).Address;
        Assert.Equal(service.Spec.ClusterIP, address.ToString());
        Assert.Equal(names, await AnswersFromHostAsync($"http://{address}/", names.Count));

        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("client", "sleep 3600"), ns);
        await cluster.WaitForPodAsync(ns, "client", p => p.Status?.Phase == "Running");
        var resolved = await ExecAsync(ns, "client", $"nslookup web.{ns}.svc.cluster.local");
        Assert.Contains(service.Spec.ClusterIP, resolved);
        var fromPod = await ExecAsync(ns, "client", $"for i in $(seq 1 30); do timeout 3 wget -q -O- http://{service.Spec.ClusterIP}/; done");
        Assert.Equal(names, fromPod.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet());
        var byName = await ExecAsync(ns, "client", $"for i in $(seq 1 30); do timeout 3 wget -q -O- http://web.{ns}.svc.cluster.local/; done");
        Assert.Equal(names, byName.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet());
    }

    [Fact]
    public async Task A_service_without_ready_endpoints_refuses_connections_at_once()
    {
        var ns = await NamespaceAsync("empty");
        var service = await Client.CreateNamespacedServiceAsync(Service("nobody", "nobody", "NodePort"), ns);
        await Task.Delay(500);

        foreach (var (address, port) in new[] { (service.Spec.ClusterIP, 80), ("127.0.0.1", service.Spec.Ports[0].NodePort!.Value) })
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var e = await Assert.ThrowsAnyAsync<SocketException>(async () => await socket.ConnectAsync(IPAddress.Parse(address), port, timeout.Token));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }
    }

    [Fact]
    public async Task A_udp_client_that_keeps_sending_follows_the_service_to_its_new_endpoint()
    {
        var ns = await NamespaceAsync("udp");
        // Two responders of this test on the node's bridge address, standing in for an old and a new pod.
        var bridge = IPAddress.Parse((await Client.ReadNamespacedEndpointsAsync("kube-dns", "kube-system")).Subsets[0].Addresses[0].Ip);
        await using var first = UdpResponder.Start(bridge, "first");
        await using var second = UdpResponder.Start(bridge, "second");
        var service = await Client.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "echo" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "udp", Protocol = "UDP", Port = 5300 }] },
        }, ns);
        await Client.CreateNamespacedEndpointsAsync(UdpEndpoints(bridge, first.Port), ns);
        var target = new IPEndPoint(IPAddress.Parse(service.Spec.ClusterIP), 5300);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Any, 0));

        Assert.True(await UdpResponder.KeepAskingAsync(client, target, "first", TimeSpan.FromSeconds(10)), "no answer from the first endpoint");
        await Client.ReplaceNamespacedEndpointsAsync(UdpEndpoints(bridge, second.Port), "echo", ns);

        // The same client port keeps sending every 100 ms, which would keep a stale conntrack entry or relay session alive.
        Assert.True(await UdpResponder.KeepAskingAsync(client, target, "second", TimeSpan.FromSeconds(5)), "the client still reaches the removed endpoint");
    }

    private static V1Endpoints UdpEndpoints(IPAddress address, int port) => new()
    {
        Metadata = new V1ObjectMeta { Name = "echo" },
        Subsets = [new V1EndpointSubset
        {
            Addresses = [new V1EndpointAddress { Ip = address.ToString() }],
            Ports = [new Corev1EndpointPort { Name = "udp", Protocol = "UDP", Port = port }],
        }],
    };

    [Fact]
    public async Task A_headless_service_resolves_to_its_pods_and_a_stateful_set_pod_to_its_own_address()
    {
        var ns = await NamespaceAsync("headless");
        var headless = Service("db", "db", "ClusterIP");
        headless.Spec.ClusterIP = "None";
        await Client.CreateNamespacedServiceAsync(headless, ns);
        var template = Backends("db", 2).Spec.Template;
        await Client.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "db", Replicas = 2, PodManagementPolicy = "Parallel",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
                Template = template,
            },
        }, ns);
        await ReadyBackendsAsync(ns, "db", 2);
        var pods = (await Client.ListNamespacedPodAsync(ns, labelSelector: "app=db")).Items;
        await Client.CreateNamespacedPodAsync(ClusterFixture.Pod("client", "sleep 3600"), ns);
        await cluster.WaitForPodAsync(ns, "client", p => p.Status?.Phase == "Running");

        var all = await ExecAsync(ns, "client", $"nslookup db.{ns}.svc.cluster.local");
        Assert.All(pods, p => Assert.Contains(p.Status.PodIP, all));
        var own = await ExecAsync(ns, "client", $"nslookup db-0.db.{ns}.svc.cluster.local");
        Assert.Contains(pods.Single(p => p.Metadata.Name == "db-0").Status.PodIP, own);
        var missing = await ExecAsync(ns, "client", $"nslookup nothing.{ns}.svc.cluster.local || true");
        Assert.Contains("NXDOMAIN", missing);
        var srv = await ExecAsync(ns, "client", $"nslookup -type=SRV _http._tcp.db.{ns}.svc.cluster.local");
        Assert.Contains($"8080 db-0.db.{ns}.svc.cluster.local", srv);
    }

    [Fact]
    public async Task Client_ip_affinity_keeps_a_client_on_one_backend()
    {
        var ns = await NamespaceAsync("affinity");
        await Client.CreateNamespacedDeploymentAsync(Backends("sticky", 3), ns);
        var sticky = Service("sticky", "sticky", "ClusterIP");
        sticky.Spec.SessionAffinity = "ClientIP";
        var service = await Client.CreateNamespacedServiceAsync(sticky, ns);
        await ReadyBackendsAsync(ns, "sticky", 3);
        await AnswersFromHostAsync($"http://{service.Spec.ClusterIP}/", 1, seconds: 5);

        var answers = await AnswersFromHostAsync($"http://{service.Spec.ClusterIP}/", 1, seconds: 0);
        Assert.Single(answers);
    }

    [Fact]
    public async Task A_pod_reaches_itself_through_its_own_service()
    {
        var ns = await NamespaceAsync("hairpin");
        await Client.CreateNamespacedDeploymentAsync(Backends("self", 1), ns);
        var service = await Client.CreateNamespacedServiceAsync(Service("self", "self", "ClusterIP"), ns);
        var name = Assert.Single(await ReadyBackendsAsync(ns, "self", 1));

        var answer = await ExecAsync(ns, name, $"timeout 3 wget -q -O- http://{service.Spec.ClusterIP}/");
        Assert.Equal(name, answer.Trim());
    }

    [Fact]
    public async Task Scaling_changes_the_answering_set_and_a_rolling_update_under_load_loses_no_request()
    {
        var ns = await NamespaceAsync("rollout");
        await Client.CreateNamespacedDeploymentAsync(Backends("api", 2), ns);
        var service = await Client.CreateNamespacedServiceAsync(Service("api", "api", "ClusterIP"), ns);
        var url = $"http://{service.Spec.ClusterIP}/";
        await ReadyBackendsAsync(ns, "api", 2);

        await Client.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "api", ns);
        var four = await ReadyBackendsAsync(ns, "api", 4);
        Assert.Equal(four, await AnswersFromHostAsync(url, 4, seconds: 2));
        await Client.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "api", ns);
        var one = await ReadyBackendsAsync(ns, "api", 1);
        Assert.Equal(one, await AnswersFromHostAsync(url, 1, seconds: 2));
        await Client.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "api", ns);
        await ReadyBackendsAsync(ns, "api", 4);

        using var load = new CancellationTokenSource();
        var requests = Task.Run(() => RequestLoopAsync(url, load.Token));
        await Task.Delay(1000);
        await Client.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"template":{"metadata":{"annotations":{"rollout":"2"}}}}}""", V1Patch.PatchType.MergePatch), "api", ns);
        await ClusterFixture.Eventually(async () =>
        {
            var d = await Client.ReadNamespacedDeploymentAsync("api", ns);
            return d.Status.UpdatedReplicas == 4 && d.Status.AvailableReplicas == 4 && d.Status.Replicas == 4 ? d : null;
        }, seconds: 120);
        await Task.Delay(2000);
        load.Cancel();
        var (succeeded, failures) = await requests;

        // The load ran through the whole rollout (a request every few tens of milliseconds on a busy
        // machine); what matters is that none of them failed.
        Assert.True(succeeded > 20, $"only {succeeded} requests went through");
        Assert.Empty(failures);
    }

    private async Task<string> NamespaceAsync(string name)
    {
        var ns = $"{name}-{Guid.NewGuid():N}"[..20];
        await Client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        return ns;
    }

    private static V1Pod Backend(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = BackendSpec(),
    };

    // busybox httpd answering with the pod's name; ready once it answers; a preStop pause lets the
    // proxy drop the pod before it stops serving, as in Kubernetes.
    private static V1PodSpec BackendSpec() => new()
    {
        TerminationGracePeriodSeconds = 10,
        Containers =
        [
            new V1Container
            {
                Name = "web",
                Image = "kubeps/busybox:1",
                Command = ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
                Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
                ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 1 },
                Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sleep", "2"] } } },
            },
        ],
    };

    private static V1Deployment Backends(string app, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = app },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
                Spec = BackendSpec(),
            },
        },
    };

    private static V1Service Service(string name, string app, string type) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = new Dictionary<string, string> { ["app"] = app },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }],
        },
    };

    // The names of the ready pods once the Service's Endpoints list exactly that many.
    private async Task<HashSet<string>> ReadyBackendsAsync(string ns, string service, int count) =>
        await ClusterFixture.Eventually(async () =>
        {
            var endpoints = (await Client.ListNamespacedEndpointsAsync(ns, fieldSelector: $"metadata.name={service}")).Items.FirstOrDefault();
            var ready = (endpoints?.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Select(a => a.TargetRef.Name).ToHashSet();
            var notReady = (endpoints?.Subsets ?? []).SelectMany(s => s.NotReadyAddresses ?? []).Count(a => a.TargetRef.Name.StartsWith(service, StringComparison.Ordinal));
            return ready.Count == count && notReady == 0 ? ready : null;
        }, seconds: 90);

    // Every backend that answers, once exactly the expected number have (new connection per request).
    private static async Task<HashSet<string>> AnswersFromHostAsync(string url, int expected, int seconds = 20)
    {
        using var http = NewHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        HashSet<string> seen = [];
        while (true)
        {
            seen = [];
            for (var i = 0; i < expected * 15; i++)
            {
                seen.Add((await http.GetStringAsync(url)).Trim());
            }

            if (seen.Count == expected || DateTime.UtcNow > deadline)
            {
                return seen;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<(int Succeeded, List<string> Failures)> RequestLoopAsync(string url, CancellationToken stop)
    {
        using var http = NewHttpClient();
        var succeeded = 0;
        var failures = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await http.GetStringAsync(url, CancellationToken.None);
                succeeded++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Message}");
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return (succeeded, failures);
    }

    private static HttpClient NewHttpClient()
    {
        var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3), PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        http.DefaultRequestHeaders.ConnectionClose = true;
        return http;
    }

    private async Task<string> ExecAsync(string ns, string pod, string script)
    {
        var (exitCode, output) = await cluster.Kubectl.RunAsync("exec", "-n", ns, pod, "--", "sh", "-c", script);
        Assert.True(exitCode == 0, $"exec in {pod} failed ({exitCode}): {output}");
        return output;
    }
}
