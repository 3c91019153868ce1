using k8s;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>kubectl 1.32 against the engine, with the kubeconfig the engine wrote and a fresh discovery cache.</summary>
public sealed class KubectlTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] args) => new KubectlRunner(engine.KubeConfigPath, engine.DataPath).RunAsync(args);

    [Fact]
    public async Task Kubectl_get_pods_and_nodes_shows_the_same_objects_in_columns()
    {
        await engine.Client.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "kubectl-node" },
            Status = new V1NodeStatus
            {
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
                NodeInfo = new V1NodeSystemInfo { KubeletVersion = "v1.32.0-kubeps" },
            },
        });
        await engine.Client.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "kubectl-pod" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "kubeps/busybox:1" }] },
        }, "default");

        var (code, output) = await KubectlAsync("get", "pods,nodes");

        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("NAME") && l.Contains("READY") && l.Contains("STATUS") && l.Contains("RESTARTS"));
        Assert.Contains(lines, l => l.StartsWith("pod/kubectl-pod") && l.Contains("0/1"));
        Assert.Contains(lines, l => l.StartsWith("node/kubectl-node") && l.Contains("Ready") && l.Contains("v1.32.0-kubeps"));
    }

    [Fact]
    public async Task Kubectl_reports_a_missing_pod_as_NotFound()
    {
        var (code, output) = await KubectlAsync("get", "pod", "nope");
        Assert.NotEqual(0, code);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", output);
    }

    [Fact]
    public async Task Kubectl_api_resources_lists_every_served_kind()
    {
        var (code, output) = await KubectlAsync("api-resources");
        Assert.True(code == 0, output);
        foreach (var kind in new[] { "Namespace", "Node", "Pod", "Event" })
        {
            Assert.Contains(kind, output);
        }
    }
}
