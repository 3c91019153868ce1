using k8s;
using KubePS.NodeService.Proxy;

namespace KubePS.EndToEnd.Tests;

/// <summary>imagePullPolicy against a registry on loopback: Always fetches the tag again, IfNotPresent keeps the node's copy.</summary>
public sealed class ImagePullTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    [Fact]
    public async Task Always_pulls_a_tag_the_node_already_has_and_IfNotPresent_does_not()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var image = registry.Image("kubeps/pulled", "1");
        // The node holds an older image under the same name, without the registry's /served.txt.
        await HostCommand.RunAsync("docker", ["tag", "kubeps/busybox:1", image]);
        try
        {
            var stale = ClusterFixture.Pod("pull-ifnotpresent", "cat /served.txt 2>/dev/null || echo no-served-file; sleep 3600", image: image);
            stale.Spec.Containers[0].ImagePullPolicy = "IfNotPresent";
            await Client.CreateNamespacedPodAsync(stale, "default");
            Assert.Equal("no-served-file\n", await LogAsync("pull-ifnotpresent"));
            Assert.Equal(0, registry.ManifestRequests);

            var fresh = ClusterFixture.Pod("pull-always", "cat /served.txt; echo; sleep 3600", image: image);
            fresh.Spec.Containers[0].ImagePullPolicy = "Always";
            await Client.CreateNamespacedPodAsync(fresh, "default");

            Assert.Equal(registry.ServedText + "\n", await LogAsync("pull-always"));
            var events = (await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=pull-always")).Items;
            Assert.Contains(events, e => e.Reason == "Pulled" && e.Message.Contains(image));
        }
        finally
        {
            await HostCommand.RunAsync("docker", ["rmi", "-f", image], check: false);
        }
    }

    private Task<string> LogAsync(string pod) => ClusterFixture.Eventually(async () =>
    {
        using var stream = await Client.ReadNamespacedPodLogAsync(pod, "default");
        var text = await new StreamReader(stream).ReadToEndAsync();
        return text.Length > 0 ? text : null;
    });
}
