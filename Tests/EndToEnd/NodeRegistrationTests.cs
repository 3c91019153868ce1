using System.Net;
using System.Net.Http.Headers;
using k8s;
using k8s.Models;
using KubePS.Core.Config;

namespace KubePS.EndToEnd.Tests;

public sealed class NodeRegistrationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task The_node_registers_itself_Ready_with_its_capacity_runtime_and_endpoint()
    {
        var node = await cluster.Client.ReadNodeAsync(cluster.NodeName);

        Assert.Equal(cluster.NodeName, node.Metadata.Labels["kubernetes.io/hostname"]);
        Assert.Equal("linux", node.Metadata.Labels["kubernetes.io/os"]);
        Assert.Contains(node.Status.Conditions, c => c is { Type: "Ready", Status: "True", Reason: "KubeletReady" });
        Assert.All(["MemoryPressure", "DiskPressure", "PIDPressure"], type => Assert.Contains(node.Status.Conditions, c => c.Type == type && c.Status == "False"));
        Assert.Equal(Environment.ProcessorCount.ToString(), node.Status.Capacity["cpu"].ToString());
        Assert.Equal("110", node.Status.Allocatable["pods"].ToString());
        Assert.Equal("v1.32.0-kubeps", node.Status.NodeInfo.KubeletVersion);
        Assert.StartsWith("docker://", node.Status.NodeInfo.ContainerRuntimeVersion);
        Assert.Equal((await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim(), node.Status.NodeInfo.KernelVersion);
        Assert.Contains(node.Status.Addresses, a => a is { Type: "InternalIP", Address: "127.0.0.1" });
        Assert.Equal(new Uri(Assert.Single(cluster.Node!.Urls)).Port, node.Status.DaemonEndpoints.KubeletEndpoint.Port);
        Assert.True(node.Status.Capacity["ephemeral-storage"].ToDecimal() > 1_000_000_000m);
        Assert.Contains(node.Status.Images, i => i.Names.Contains("kubeps/busybox:1") && i.SizeBytes > 0);
    }

    [Fact]
    public async Task The_node_puts_back_its_well_known_labels_when_they_are_removed()
    {
        await cluster.Client.PatchNodeAsync(
            new V1Patch(new { metadata = new { labels = new Dictionary<string, string?> { ["kubernetes.io/arch"] = null } } }, V1Patch.PatchType.MergePatch),
            cluster.NodeName);

        await ClusterFixture.Eventually(async () =>
            (await cluster.Client.ReadNodeAsync(cluster.NodeName)).Metadata.Labels.ContainsKey("kubernetes.io/arch") ? "back" : null);
    }

    [Fact]
    public async Task The_node_endpoint_serves_logs_only_to_holders_of_the_cluster_token()
    {
        var node = await cluster.Client.ReadNodeAsync(cluster.NodeName);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.Status.DaemonEndpoints.KubeletEndpoint.Port}") };
        const string path = "/containerLogs/default/nobody/app";

        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KubeClientFactory.LoadConfiguration(cluster.KubeConfigPath).AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
    }
}
