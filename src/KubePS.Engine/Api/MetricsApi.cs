using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Metrics;
using KubePS.Core.Selectors;
using KubePS.Engine.Auth;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>
/// The resource metrics API (<c>metrics.k8s.io/v1beta1</c>), as metrics-server serves it: PodMetrics
/// and NodeMetrics made from each Ready node's <c>/stats/summary</c>, read when asked. <c>kubectl top</c>
/// and the autoscaler read it.
/// </summary>
public sealed class MetricsApi(ObjectService objects, ClusterCredentials credentials)
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    public const string Prefix = "/apis/" + Group + "/" + Version;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public static V1APIResourceList Resources() => new()
    {
        ApiVersion = "v1",
        Kind = "APIResourceList",
        GroupVersion = $"{Group}/{Version}",
        Resources =
        [
            new V1APIResource { Name = "nodes", SingularName = "", Namespaced = false, Kind = "NodeMetrics", Verbs = ["get", "list"] },
            new V1APIResource { Name = "pods", SingularName = "", Namespaced = true, Kind = "PodMetrics", Verbs = ["get", "list"] },
        ],
    };

    public async Task HandleAsync(HttpContext context, string path)
    {
        var ct = context.RequestAborted;
        var labels = LabelSelector.Parse(context.Request.Query["labelSelector"].ToString());
        JsonNode result = path[Prefix.Length..].Trim('/').Split('/') switch
        {
            ["nodes"] => List("NodeMetricsList", Typed("NodeMetrics", await NodesAsync(null, labels, ct))),
            ["nodes", var name] => Typed("NodeMetrics", await NodesAsync(name, LabelSelector.Everything, ct)).FirstOrDefault() ?? throw NotFound("nodes", name),
            ["pods"] => List("PodMetricsList", Typed("PodMetrics", await PodsAsync(null, null, labels, ct))),
            ["namespaces", var ns, "pods"] => List("PodMetricsList", Typed("PodMetrics", await PodsAsync(ns, null, labels, ct))),
            ["namespaces", var ns, "pods", var name] => Typed("PodMetrics", await PodsAsync(ns, name, LabelSelector.Everything, ct)).FirstOrDefault() ?? throw NotFound("pods", name),
            _ => throw ApiException.PathNotFound(),
        };
        await HttpWriting.WriteJsonAsync(context.Response, 200, result, ct);
    }

    // The client library's metrics types carry neither apiVersion nor kind; the wire form needs both.
    private static List<JsonObject> Typed<T>(string kind, IEnumerable<T> items) => items.Select(item =>
    {
        var node = KubeJson.ToNode(item!);
        node["apiVersion"] = $"{Group}/{Version}";
        node["kind"] = kind;
        return node;
    }).ToList();

    private static JsonObject List(string kind, List<JsonObject> items) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = kind,
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
    };

    private static ApiException NotFound(string resource, string name) => new(404, "NotFound", $"{resource}.{Group} \"{name}\" not found");

    private async Task<List<NodeMetrics>> NodesAsync(string? name, LabelSelector labels, CancellationToken ct)
    {
        var nodes = await NodesWithSummariesAsync(ct);
        return nodes
            .Where(n => (name is null || n.Node.Metadata.Name == name) && labels.Matches(n.Node.Metadata.Labels))
            .Select(n => new NodeMetrics
            {
                Metadata = new V1ObjectMeta { Name = n.Node.Metadata.Name, Labels = n.Node.Metadata.Labels, CreationTimestamp = n.Summary.Timestamp },
                Timestamp = n.Summary.Timestamp,
                Window = $"{n.Summary.WindowSeconds:0}s",
                Usage = Quantities(n.Summary.Node),
            })
            .ToList();
    }

    private async Task<List<PodMetrics>> PodsAsync(string? ns, string? name, LabelSelector labels, CancellationToken ct)
    {
        var pods = (await objects.ListAsync(KindRegistry.Pod, ns, labels, FieldSelector.Everything, ct)).Items
            .Select(KubeJson.ToTyped<V1Pod>)
            .Where(p => name is null || p.Metadata.Name == name)
            .ToDictionary(p => (p.Metadata.NamespaceProperty, p.Metadata.Name));
        var result = new List<PodMetrics>();
        foreach (var (_, summary) in await NodesWithSummariesAsync(ct))
        {
            foreach (var usage in summary.Pods)
            {
                if (pods.TryGetValue((usage.Namespace, usage.Name), out var pod))
                {
                    result.Add(new PodMetrics
                    {
                        Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Labels = pod.Metadata.Labels, CreationTimestamp = summary.Timestamp },
                        Timestamp = summary.Timestamp,
                        Window = $"{summary.WindowSeconds:0}s",
                        Containers = usage.Containers.Select(c => new ContainerMetrics { Name = c.Name, Usage = Quantities(c.Usage) }).ToList(),
                    });
                }
            }
        }

        return result.OrderBy(m => m.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata.Name, StringComparer.Ordinal).ToList();
    }

    // Every Ready node that publishes an endpoint and answers; the others are left out, as metrics-server leaves out nodes it cannot scrape.
    private async Task<List<(V1Node Node, NodeSummary Summary)>> NodesWithSummariesAsync(CancellationToken ct)
    {
        var nodes = (await objects.ListAsync(KindRegistry.Node, null, LabelSelector.Everything, FieldSelector.Everything, ct)).Items.Select(KubeJson.ToTyped<V1Node>);
        var answers = await Task.WhenAll(nodes.Select(async node => (Node: node, Summary: await SummaryAsync(node, ct))));
        return answers.Where(a => a.Summary is not null).Select(a => (a.Node, a.Summary!)).ToList();
    }

    private async Task<NodeSummary?> SummaryAsync(V1Node node, CancellationToken ct)
    {
        if (PodNodeLocator.EndpointOf(node) is not var (address, port) || node.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) != true)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}:{port}/stats/summary");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AdminToken);
        try
        {
            using var response = await Http.SendAsync(request, ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<NodeSummary>(ct) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, ResourceQuantity> Quantities(Usage usage) => new()
    {
        ["cpu"] = new ResourceQuantity($"{usage.CpuNanoCores}n"),
        ["memory"] = new ResourceQuantity($"{usage.MemoryWorkingSetBytes / 1024}Ki"),
    };
}
