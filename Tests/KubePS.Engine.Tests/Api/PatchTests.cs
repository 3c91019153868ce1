using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>Strategic merge patch and server-side apply through the API, from KubernetesClient and kubectl.</summary>
public sealed class PatchTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] args) => new KubectlRunner(engine.KubeConfigPath, engine.DataPath).RunAsync(args);

    private static V1Pod Pod(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" } },
        // Not for the default scheduler: these tests write the pods themselves and must not race it.
        Spec = new V1PodSpec
        {
            SchedulerName = "manual",
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "kubeps/app:1",
                    Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "2" }],
                    Ports = [new V1ContainerPort { ContainerPort = 80 }, new V1ContainerPort { ContainerPort = 443 }],
                },
                new V1Container { Name = "sidecar", Image = "kubeps/side:1" },
            ],
        },
    };

    private Task<V1Pod> StrategicAsync(string name, string patch) =>
        Client.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), name, "default");

    [Fact]
    public async Task A_strategic_merge_patch_changes_one_container_and_keeps_the_other()
    {
        await Client.CreateNamespacedPodAsync(Pod("smp-image"), "default");

        var patched = await StrategicAsync("smp-image", """{"spec":{"containers":[{"name":"sidecar","image":"kubeps/side:2"}]}}""");

        Assert.Equal(["app", "sidecar"], patched.Spec.Containers.Select(c => c.Name));
        Assert.Equal("kubeps/app:1", patched.Spec.Containers[0].Image);
        Assert.Equal("kubeps/side:2", patched.Spec.Containers[1].Image);
    }

    [Fact]
    public async Task A_strategic_merge_patch_merges_env_by_name_and_ports_by_containerPort()
    {
        await Client.CreateNamespacedPodAsync(Pod("smp-env"), "default");

        var patched = await StrategicAsync("smp-env",
            """{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"}],"ports":[{"containerPort":443,"name":"https"},{"containerPort":8080}]}]}}""");

        var app = patched.Spec.Containers[0];
        Assert.Equal(["A=1", "B=3"], app.Env.Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal([80, 443, 8080], app.Ports.Select(p => p.ContainerPort));
        Assert.Equal("https", app.Ports[1].Name);
    }

    [Fact]
    public async Task A_strategic_merge_patch_deletes_a_container_orders_the_rest_and_deletes_a_label()
    {
        await Client.CreateNamespacedPodAsync(Pod("smp-directives"), "default");

        var patched = await StrategicAsync("smp-directives", """
            {"metadata":{"labels":{"tier":null}},
             "spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
                     "containers":[{"name":"app","env":[{"name":"A","$patch":"delete"}]}]}}
            """);

        Assert.Equal(["sidecar", "app"], patched.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["B"], patched.Spec.Containers[1].Env.Select(e => e.Name));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, patched.Metadata.Labels);
    }

    [Fact]
    public async Task A_strategic_merge_patch_removes_one_finalizer()
    {
        var pod = Pod("smp-finalizers");
        pod.Metadata.Finalizers = ["example.com/a", "example.com/b"];
        await Client.CreateNamespacedPodAsync(pod, "default");

        var patched = await StrategicAsync("smp-finalizers", """{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a"]}}""");

        Assert.Equal(["example.com/b"], patched.Metadata.Finalizers);
        await StrategicAsync("smp-finalizers", """{"metadata":{"finalizers":null}}""");
    }

    [Fact]
    public async Task Server_side_apply_creates_a_missing_object_with_201_then_updates_it()
    {
        var config = Pod("ssa-pod");
        var first = await Client.CoreV1.PatchNamespacedPodWithHttpMessagesAsync(
            new V1Patch(KubernetesJson.Serialize(config), V1Patch.PatchType.ApplyPatch), "ssa-pod", "default", fieldManager: "tester");

        Assert.Equal(HttpStatusCode.Created, first.Response.StatusCode);
        var entry = Assert.Single(first.Body.Metadata.ManagedFields);
        Assert.Equal(("tester", "Apply", "v1", "FieldsV1"), (entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType));
        var fields = JsonSerializer.SerializeToNode(entry.FieldsV1)!;
        Assert.NotNull(fields["f:spec"]?["f:containers"]?["k:{\"name\":\"app\"}"]?["f:image"]);
        Assert.NotNull(fields["f:metadata"]?["f:labels"]?["f:app"]);

        await Client.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"labels":{"other":"x"}}}""", V1Patch.PatchType.MergePatch), "ssa-pod", "default");
        config.Spec.Containers[1].Image = "kubeps/side:2";
        var second = await Client.CoreV1.PatchNamespacedPodWithHttpMessagesAsync(
            new V1Patch(KubernetesJson.Serialize(config), V1Patch.PatchType.ApplyPatch), "ssa-pod", "default", fieldManager: "tester", force: true);

        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);
        Assert.Equal("kubeps/side:2", second.Body.Spec.Containers[1].Image);
        Assert.Equal("x", second.Body.Metadata.Labels["other"]);
        Assert.Equal(first.Body.Metadata.Uid, second.Body.Metadata.Uid);
        Assert.Single(second.Body.Metadata.ManagedFields, m => m.Manager == "tester");
    }

    [Fact]
    public async Task Server_side_apply_reads_YAML_and_keeps_other_managers_entries()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: ssa-yaml
              labels:
                app: web
            spec:
              schedulerName: manual
              containers:
              - name: app
                image: kubeps/app:1
                ports:
                - containerPort: 80
            """;
        await ApplyAsync("ssa-yaml", yaml, "first");

        var pod = await ApplyAsync("ssa-yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssa-yaml\n  labels:\n    team: blue\n", "second");

        Assert.Equal(["first", "second"], pod.Metadata.ManagedFields.Select(m => m.Manager).Order());
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["team"] = "blue" }, pod.Metadata.Labels);
        Assert.Equal(80, pod.Spec.Containers[0].Ports[0].ContainerPort);
    }

    [Fact]
    public async Task Server_side_apply_without_a_field_manager_is_a_bad_request()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.PatchNamespacedPodAsync(
            new V1Patch(KubernetesJson.Serialize(Pod("ssa-nomanager")), V1Patch.PatchType.ApplyPatch), "ssa-nomanager", "default"));

        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
    }

    [Fact]
    public async Task Server_side_apply_with_strict_field_validation_refuses_unknown_fields()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.PatchNamespacedPodAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ssa-strict"},"spec":{"bogus":1}}""", V1Patch.PatchType.ApplyPatch),
            "ssa-strict", "default", fieldManager: "tester", fieldValidation: "Strict"));

        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
        Assert.Contains("spec.bogus", e.Response.Content);
    }

    [Fact]
    public async Task Kubectl_apply_twice_configures_the_pod_and_keeps_the_last_applied_configuration()
    {
        var manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubectl-apply
              labels:
                app: web
            spec:
              schedulerName: manual
              containers:
              - name: app
                image: kubeps/app:1
              - name: sidecar
                image: kubeps/side:1
            """;
        var kubectl = new KubectlRunner(engine.KubeConfigPath, engine.DataPath);

        var (code, output) = await kubectl.RunWithInputAsync(manifest, "apply", "--validate=false", "-f", "-");
        Assert.True(code == 0, output);
        Assert.Contains("pod/kubectl-apply created", output);

        var changed = manifest.Replace("app: web", "app: shop").Replace("kubeps/app:1", "kubeps/app:2");
        (code, output) = await kubectl.RunWithInputAsync(changed, "apply", "--validate=false", "-f", "-");
        Assert.True(code == 0, output);
        Assert.Contains("pod/kubectl-apply configured", output);

        var pod = await Client.ReadNamespacedPodAsync("kubectl-apply", "default");
        Assert.Equal("shop", pod.Metadata.Labels["app"]);
        Assert.Equal(["kubeps/app:2", "kubeps/side:1"], pod.Spec.Containers.Select(c => c.Image));
        var lastApplied = pod.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"];
        Assert.Contains("\"image\":\"kubeps/app:2\"", lastApplied);
        Assert.EndsWith("\n", lastApplied);

        (code, output) = await kubectl.RunWithInputAsync(changed, "apply", "--validate=false", "-f", "-");
        Assert.True(code == 0, output);
        Assert.Contains("pod/kubectl-apply unchanged", output);
    }

    [Fact]
    public async Task Kubectl_label_annotate_and_patch_of_every_type_change_the_pod()
    {
        await Client.CreateNamespacedPodAsync(Pod("kubectl-patch"), "default");

        await AssertKubectlAsync("label", "pod", "kubectl-patch", "color=red");
        await AssertKubectlAsync("annotate", "pod", "kubectl-patch", "note=hello");
        await AssertKubectlAsync("patch", "pod", "kubectl-patch", "--type=strategic", "-p", """{"spec":{"containers":[{"name":"app","image":"kubeps/app:3"}]}}""");
        await AssertKubectlAsync("patch", "pod", "kubectl-patch", "--type=merge", "-p", """{"metadata":{"labels":{"tier":null}}}""");
        await AssertKubectlAsync("patch", "pod", "kubectl-patch", "--type=json", "-p", """[{"op":"replace","path":"/spec/containers/1/image","value":"kubeps/side:3"}]""");

        var pod = await Client.ReadNamespacedPodAsync("kubectl-patch", "default");
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["color"] = "red" }, pod.Metadata.Labels);
        Assert.Equal("hello", pod.Metadata.Annotations["note"]);
        Assert.Equal(["kubeps/app:3", "kubeps/side:3"], pod.Spec.Containers.Select(c => c.Image));
    }

    [Fact]
    public async Task Kubectl_apply_server_side_creates_then_updates()
    {
        var manifest = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubectl-ssa
            spec:
              schedulerName: manual
              containers:
              - name: app
                image: kubeps/app:1
            """;
        var kubectl = new KubectlRunner(engine.KubeConfigPath, engine.DataPath);

        var (code, output) = await kubectl.RunWithInputAsync(manifest, "apply", "--server-side", "--validate=false", "-f", "-");
        Assert.True(code == 0, output);
        Assert.Contains("pod/kubectl-ssa serverside-applied", output);

        (code, output) = await kubectl.RunWithInputAsync(manifest.Replace("kubeps/app:1", "kubeps/app:2"), "apply", "--server-side", "--validate=false", "-f", "-");
        Assert.True(code == 0, output);

        var pod = await Client.ReadNamespacedPodAsync("kubectl-ssa", "default");
        Assert.Equal("kubeps/app:2", pod.Spec.Containers[0].Image);
        Assert.Contains(pod.Metadata.ManagedFields, m => m is { Manager: "kubectl", Operation: "Apply" });
    }

    private async Task<V1Pod> ApplyAsync(string name, string yaml, string manager)
    {
        using var http = engine.CreateHttpClient();
        var uri = $"{Client.BaseUri.ToString().TrimEnd('/')}/api/v1/namespaces/default/pods/{name}?fieldManager={manager}";
        using var request = new HttpRequestMessage(HttpMethod.Patch, uri) { Content = new StringContent(yaml, Encoding.UTF8, "application/apply-patch+yaml") };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return KubernetesJson.Deserialize<V1Pod>(body);
    }

    private async Task AssertKubectlAsync(params string[] args)
    {
        var (code, output) = await KubectlAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)}: {output}");
    }
}
