using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>What a container is created with: its environment from every source, and its security settings.</summary>
public sealed class ContainerConfigurationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private async Task<string> LogOfAsync(string pod, string expected) =>
        await ClusterFixture.Eventually(async () =>
        {
            using var stream = await Client.ReadNamespacedPodLogAsync(pod, "default");
            var text = await new StreamReader(stream).ReadToEndAsync();
            return text.Contains(expected, StringComparison.Ordinal) ? text : null;
        });

    [Fact]
    public async Task Env_comes_from_values_ConfigMaps_Secrets_and_the_downward_API_and_expands_in_args()
    {
        await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "env-settings" }, Data = new Dictionary<string, string> { ["colour"] = "blue", ["size"] = "L" } }, "default");
        await Client.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "env-secret" }, StringData = new Dictionary<string, string> { ["password"] = "s3cret" } }, "default");
        var pod = ClusterFixture.Pod("env-pod", "");
        var app = pod.Spec.Containers[0];
        pod.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        app.Command = ["sh", "-c"];
        app.Args = ["echo \"greeting=$(GREETING) colour=$COLOUR cfg_size=$CFG_size password=$PASSWORD pod=$POD_NAME tier=$TIER ip=$POD_IP\"; sleep 3600"];
        app.EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "env-settings" }, Prefix = "CFG_" }];
        app.Env =
        [
            new V1EnvVar { Name = "NAME", Value = "world" },
            new V1EnvVar { Name = "GREETING", Value = "hello-$(NAME)" },
            new V1EnvVar { Name = "COLOUR", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "env-settings", Key = "colour" } } },
            new V1EnvVar { Name = "PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "env-secret", Key = "password" } } },
            new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new V1EnvVar { Name = "TIER", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels['tier']" } } },
            new V1EnvVar { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
        ];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var running = await cluster.WaitForPodAsync("env-pod", p => p.Status?.Phase == "Running");
        var log = await LogOfAsync("env-pod", "greeting=");
        Assert.Equal($"greeting=hello-world colour=blue cfg_size=L password=s3cret pod=env-pod tier=front ip={running.Status.PodIP}\n", log);
    }

    [Fact]
    public async Task A_missing_ConfigMap_holds_the_container_in_CreateContainerConfigError_until_it_exists()
    {
        var pod = ClusterFixture.Pod("env-waiting", "echo mode=$MODE; sleep 3600");
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "MODE", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "env-later", Key = "mode" } } }];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var waiting = await cluster.WaitForPodAsync("env-waiting", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "CreateContainerConfigError");
        Assert.Equal("configmap \"env-later\" not found", waiting.Status.ContainerStatuses[0].State.Waiting.Message);
        Assert.Equal("Pending", waiting.Status.Phase);

        await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "env-later" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } }, "default");
        await cluster.WaitForPodAsync("env-waiting", p => p.Status?.Phase == "Running");
        Assert.Equal("mode=fast\n", await LogOfAsync("env-waiting", "mode="));
    }

    [Fact]
    public async Task SecurityContext_sets_the_user_groups_and_a_read_only_root_filesystem()
    {
        var pod = ClusterFixture.Pod("secure", "echo uid=$(id -u) gid=$(id -g); touch /probe 2>/dev/null && echo writable || echo read-only; sleep 3600");
        pod.Spec.SecurityContext = new V1PodSecurityContext { RunAsUser = 1000, RunAsGroup = 3000 };
        pod.Spec.Containers[0].SecurityContext = new V1SecurityContext { ReadOnlyRootFilesystem = true, Capabilities = new V1Capabilities { Drop = ["ALL"] } };
        await Client.CreateNamespacedPodAsync(pod, "default");

        await cluster.WaitForPodAsync("secure", p => p.Status?.Phase == "Running");
        Assert.Equal("uid=1000 gid=3000\nread-only\n", await LogOfAsync("secure", "read-only"));
        var container = (await cluster.ContainersOfAsync("secure")).Single(c => c.Labels[Core.Kinds.WellKnown.ContainerLabels.ContainerName] == "app");
        var inspect = await cluster.Docker.Containers.InspectContainerAsync(container.ID);
        Assert.Contains("ALL", inspect.HostConfig.CapDrop);
    }

    [Fact]
    public async Task A_privileged_container_is_refused_on_a_node_that_does_not_allow_it()
    {
        var pod = ClusterFixture.Pod("privileged", "sleep 3600");
        pod.Spec.Containers[0].SecurityContext = new V1SecurityContext { Privileged = true };
        await Client.CreateNamespacedPodAsync(pod, "default");

        var refused = await cluster.WaitForPodAsync("privileged", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "CreateContainerConfigError");
        Assert.Contains("does not allow privileged containers", refused.Status.ContainerStatuses[0].State.Waiting.Message);
        Assert.DoesNotContain(await cluster.ContainersOfAsync("privileged"), c => c.Labels[Core.Kinds.WellKnown.ContainerLabels.ContainerName] == "app");
    }
}
