using Docker.DotNet.Models;
using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Deployments on a real engine, a real node service and a real Docker Engine, driven by the client and by kubectl.</summary>
public sealed class DeploymentTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = ClusterFixture.Pod(name, "trap 'exit 0' TERM; while true; do sleep 1; done").Spec,
            },
        },
    };

    private async Task<List<V1Pod>> ActivePodsAsync(string app) =>
        (await Client.ListNamespacedPodAsync("default", labelSelector: $"app={app}")).Items.Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private async Task<List<V1Pod>> RunningPodsAsync(string app, int count) =>
        await ClusterFixture.Eventually(async () =>
            await ActivePodsAsync(app) is { } pods && pods.Count == count && pods.All(p => p.Status?.Phase == "Running") ? pods : null, seconds: 90);

    private async Task<string> KubectlAsync(params string[] args)
    {
        var (exitCode, output) = await cluster.Kubectl.RunAsync(args);
        Assert.True(exitCode == 0, $"kubectl {string.Join(' ', args)} failed: {output}");
        return output;
    }

    /// <summary>Samples the pods until stopped: how many are active and how many of those are Ready, at every step.</summary>
    private async Task<List<(int Active, int Ready)>> ObserveAsync(string app, CancellationToken stop)
    {
        var steps = new List<(int, int)>();
        while (!stop.IsCancellationRequested)
        {
            var pods = await ActivePodsAsync(app);
            steps.Add((pods.Count, pods.Count(p => p.Status?.Conditions?.Any(c => c is { Type: "Ready", Status: "True" }) == true)));
            await Task.Delay(50, CancellationToken.None);
        }

        return steps;
    }

    [Fact]
    public async Task A_rollout_by_kubectl_stays_within_its_limits_and_rollout_undo_returns_without_a_new_revision()
    {
        await cluster.Docker.Images.TagImageAsync("kubeps/busybox:1", new ImageTagParameters { RepositoryName = "kubeps/busybox", Tag = "2" });
        await Client.CreateNamespacedDeploymentAsync(Deployment("web", 3), "default");
        await RunningPodsAsync("web", 3);
        Assert.Contains("successfully rolled out", await KubectlAsync("rollout", "status", "deployment/web", "--timeout=90s"));

        using var stop = new CancellationTokenSource();
        var observer = ObserveAsync("web", stop.Token);
        await KubectlAsync("set", "image", "deployment/web", "app=kubeps/busybox:2");
        Assert.Contains("successfully rolled out", await KubectlAsync("rollout", "status", "deployment/web", "--timeout=90s"));
        await stop.CancelAsync();
        var steps = await observer;

        // The defaults, 25% of 3: maxSurge rounds up to 1, maxUnavailable down to 0.
        Assert.All(steps, s => Assert.True(s.Active <= 4, $"{s.Active} pods exceed replicas + maxSurge"));
        Assert.All(steps, s => Assert.True(s.Ready >= 3, $"only {s.Ready} ready pods, below replicas - maxUnavailable"));
        Assert.All(await RunningPodsAsync("web", 3), p => Assert.Equal("kubeps/busybox:2", p.Spec.Containers[0].Image));

        await KubectlAsync("rollout", "undo", "deployment/web");
        Assert.Contains("successfully rolled out", await KubectlAsync("rollout", "status", "deployment/web", "--timeout=90s"));
        Assert.All(await RunningPodsAsync("web", 3), p => Assert.Equal("kubeps/busybox:1", p.Spec.Containers[0].Image));
        var sets = (await Client.ListNamespacedReplicaSetAsync("default", labelSelector: "app=web")).Items;
        Assert.Equal(2, sets.Count);
        var history = await KubectlAsync("rollout", "history", "deployment/web");
        Assert.Matches(@"(?m)^2\s", history);
        Assert.Matches(@"(?m)^3\s", history);
        Assert.DoesNotMatch(@"(?m)^4\s", history);
    }

    [Fact]
    public async Task A_deleted_pod_is_replaced_and_deleting_the_deployment_removes_its_replica_sets_and_pods()
    {
        await Client.CreateNamespacedDeploymentAsync(Deployment("api", 2), "default");
        var pods = await RunningPodsAsync("api", 2);

        await Client.DeleteNamespacedPodAsync(pods[0].Metadata.Name, "default");
        var replaced = await RunningPodsAsync("api", 2);
        Assert.DoesNotContain(replaced, p => p.Metadata.Name == pods[0].Metadata.Name);

        await Client.DeleteNamespacedDeploymentAsync("api", "default");
        await ClusterFixture.Eventually(async () =>
            (await Client.ListNamespacedReplicaSetAsync("default", labelSelector: "app=api")).Items.Count == 0
            && (await Client.ListNamespacedPodAsync("default", labelSelector: "app=api")).Items.Count == 0 ? "gone" : null);
        await ClusterFixture.Eventually(async () =>
            (await cluster.Docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["io.kubeps.node=" + cluster.NodeName] = true } },
            })).Any(c => c.Labels.TryGetValue("io.kubernetes.pod.name", out var pod) && pod.StartsWith("api-")) ? null : "no containers");
    }
}
