using k8s;
using k8s.Models;

namespace KubePS.EndToEnd.Tests;

/// <summary>Pod volumes on a real node: shared scratch space, files from the API kept current, and claims that outlive pods.</summary>
public sealed class VolumeTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private Kubernetes Client => cluster.Client;

    private async Task<string> LogOfAsync(string pod, string expected, string container = "app") =>
        await ClusterFixture.Eventually(async () =>
        {
            using var stream = await Client.ReadNamespacedPodLogAsync(pod, "default", container: container);
            var text = await new StreamReader(stream).ReadToEndAsync();
            return text.Contains(expected, StringComparison.Ordinal) ? text : null;
        }, seconds: 40);

    private static V1Container Container(string name, string command, params V1VolumeMount[] mounts) =>
        new() { Name = name, Image = "kubeps/busybox:1", Command = ["sh", "-c", command], VolumeMounts = mounts };

    [Fact]
    public async Task An_emptyDir_is_shared_by_the_pods_containers_and_a_memory_one_is_tmpfs()
    {
        var pod = ClusterFixture.Pod("scratch", "");
        pod.Spec.Volumes =
        [
            new V1Volume { Name = "shared", EmptyDir = new V1EmptyDirVolumeSource() },
            new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity("16Mi") } },
        ];
        pod.Spec.Containers =
        [
            Container("writer", "echo from-writer > /data/note; echo in-memory > /cache/note; sleep 3600",
                new V1VolumeMount { Name = "shared", MountPath = "/data" }, new V1VolumeMount { Name = "cache", MountPath = "/cache" }),
            Container("app", "until [ -f /shared/note ] && [ -f /cache/note ]; do sleep 0.2; done; cat /shared/note /cache/note; grep ' /cache ' /proc/mounts | cut -d' ' -f3; sleep 3600",
                new V1VolumeMount { Name = "shared", MountPath = "/shared", ReadOnlyProperty = true }, new V1VolumeMount { Name = "cache", MountPath = "/cache" }),
        ];
        await Client.CreateNamespacedPodAsync(pod, "default");

        Assert.Equal("from-writer\nin-memory\ntmpfs\n", await LogOfAsync("scratch", "tmpfs"));
    }

    [Fact]
    public async Task ConfigMap_and_Secret_files_appear_with_their_paths_and_modes_and_follow_changes()
    {
        await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "vol-config" },
            Data = new Dictionary<string, string> { ["app.conf"] = "level=1", ["other"] = "x" },
        }, "default");
        await Client.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "vol-secret" }, StringData = new Dictionary<string, string> { ["token"] = "t0k3n" } }, "default");
        var pod = ClusterFixture.Pod("files", "");
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "files" };
        pod.Spec.Volumes =
        [
            new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "vol-config", Items = [new V1KeyToPath { Key = "app.conf", Path = "conf/app.conf", Mode = 384 }] } },
            new V1Volume { Name = "secret", Secret = new V1SecretVolumeSource { SecretName = "vol-secret" } },
            new V1Volume
            {
                Name = "about", DownwardAPI = new V1DownwardAPIVolumeSource
                {
                    Items = [new V1DownwardAPIVolumeFile { Path = "labels", FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels" } }],
                },
            },
        ];
        pod.Spec.Containers =
        [
            Container("app",
                "ls /etc/config; stat -c %a /etc/config/conf/app.conf; cat /etc/secret/token; echo; cat /etc/about/labels; echo; "
                + "while true; do echo \"config: $(cat /etc/config/conf/app.conf)\"; sleep 1; done",
                new V1VolumeMount { Name = "config", MountPath = "/etc/config" },
                new V1VolumeMount { Name = "secret", MountPath = "/etc/secret" },
                new V1VolumeMount { Name = "about", MountPath = "/etc/about" }),
        ];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var log = await LogOfAsync("files", "config: level=1");
        Assert.StartsWith("conf\n600\nt0k3n\napp=\"files\"\nconfig: level=1\n", log);

        var map = await Client.ReadNamespacedConfigMapAsync("vol-config", "default");
        map.Data["app.conf"] = "level=2";
        await Client.ReplaceNamespacedConfigMapAsync(map, "vol-config", "default");
        await LogOfAsync("files", "config: level=2");
    }

    [Fact]
    public async Task A_claims_data_survives_deleting_and_recreating_the_pod()
    {
        await Client.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "keep" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, "default");

        V1Pod Writer(string name) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                TerminationGracePeriodSeconds = 1,
                Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "keep" } }],
                Containers = [Container("app", $"cat /data/log 2>/dev/null; echo {name} >> /data/log; echo written; sleep 3600", new V1VolumeMount { Name = "data", MountPath = "/data" })],
            },
        };

        await Client.CreateNamespacedPodAsync(Writer("first"), "default");
        Assert.Equal("written\n", await LogOfAsync("first", "written"));
        await Client.DeleteNamespacedPodAsync("first", "default");
        await ClusterFixture.Eventually(async () => (await cluster.ContainersOfAsync("first")).Count == 0 ? "gone" : null);

        await Client.CreateNamespacedPodAsync(Writer("second"), "default");
        Assert.Equal("first\nwritten\n", await LogOfAsync("second", "written"));
    }

    [Fact]
    public async Task A_missing_ConfigMap_keeps_the_pod_ContainerCreating_with_a_mount_message()
    {
        var pod = ClusterFixture.Pod("no-config", "sleep 3600");
        pod.Spec.Volumes = [new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "absent" } }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/config" }];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var waiting = await cluster.WaitForPodAsync("no-config", p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Message?.Contains("MountVolume.SetUp failed") == true);
        Assert.Equal("ContainerCreating", waiting.Status.ContainerStatuses[0].State.Waiting.Reason);
        Assert.Contains("configmap \"absent\" not found", waiting.Status.ContainerStatuses[0].State.Waiting.Message);
    }
}
