using k8s;

namespace KubePS.Engine.Tests.Api;

/// <summary>A kubectl user's day against the engine: apply a manifest, read it every way, change it, delete it.</summary>
public sealed class KubectlWorkflowTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: shop
        data:
          color: blue
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: credentials
          namespace: shop
        stringData:
          password: s3cret
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              schedulerName: manual
              containers:
              - name: web
                image: kubeps/busybox:1
                command: [sleep, "3600"]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          selector: {app: web}
          ports:
          - port: 80
        """;

    private readonly KubectlRunner _kubectl = new(engine.KubeConfigPath, engine.DataPath);

    private async Task<string> OkAsync(params string[] args)
    {
        var (code, output) = await _kubectl.RunAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    // The tests of this class share one engine: the manifest is applied by whichever test comes first.
    private async Task ApplyManifestAsync()
    {
        if ((await engine.Client.ListNamespaceAsync()).Items.Any(n => n.Metadata.Name == "shop"))
        {
            return;
        }

        var (code, output) = await _kubectl.RunWithInputAsync(Manifest, "apply", "-f", "-");
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Apply_creates_every_object_of_a_multi_document_manifest_with_validation_on()
    {
        // Its own namespace: the other tests of this class share the "shop" one.
        var (code, output) = await _kubectl.RunWithInputAsync(Manifest.Replace("namespace: shop", "namespace: store").Replace("name: shop", "name: store"), "apply", "-f", "-");

        Assert.True(code == 0, output);
        foreach (var line in new[] { "namespace/store created", "configmap/settings created", "secret/credentials created", "deployment.apps/web created", "service/web created" })
        {
            Assert.Contains(line, output);
        }

        var deployment = await engine.Client.ReadNamespacedDeploymentAsync("web", "store");
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", deployment.Metadata.Annotations.Keys);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString((await engine.Client.ReadNamespacedSecretAsync("credentials", "store")).Data["password"]));
    }

    [Fact]
    public async Task Get_prints_tables_yaml_jsonpath_and_all_namespaces()
    {
        await ApplyManifestAsync();

        var all = await OkAsync("get", "all", "-n", "shop");
        Assert.Contains("deployment.apps/web", all);
        Assert.Contains("service/web", all);
        Assert.Contains("UP-TO-DATE", all);

        var yaml = await OkAsync("get", "deployment", "web", "-n", "shop", "-o", "yaml");
        Assert.Contains("kind: Deployment", yaml);
        Assert.Contains("maxSurge: 25%", yaml);

        Assert.Equal("2", await OkAsync("get", "deploy", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"));

        var everywhere = await OkAsync("get", "configmaps", "-A");
        Assert.Contains(everywhere.Split('\n'), l => l.StartsWith("shop") && l.Contains("settings"));
    }

    [Fact]
    public async Task Get_watch_prints_changes_as_they_happen()
    {
        await ApplyManifestAsync();
        using var watch = _kubectl.Start("get", "configmaps", "-n", "shop", "-w");
        try
        {
            var lines = new List<string>();
            var reading = Task.Run(async () =>
            {
                while (await watch.StandardOutput.ReadLineAsync() is { } line)
                {
                    lines.Add(line);
                    if (line.StartsWith("watched"))
                    {
                        return;
                    }
                }
            });
            await ApiIntegrationTests.Eventually(() => Task.FromResult(lines.Any(l => l.StartsWith("settings")) ? "listed" : null));
            await engine.Client.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap { Metadata = new() { Name = "watched" } }, "shop");
            await reading.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            watch.Kill();
        }
    }

    [Fact]
    public async Task Label_annotate_patch_and_scale_change_the_objects()
    {
        await ApplyManifestAsync();

        Assert.Contains("labeled", await OkAsync("label", "configmap", "settings", "-n", "shop", "tier=gold", "--overwrite"));
        Assert.Contains("annotated", await OkAsync("annotate", "configmap", "settings", "-n", "shop", "owner=ops", "--overwrite"));
        await OkAsync("patch", "configmap", "settings", "-n", "shop", "--type=merge", "-p", "{\"data\":{\"size\":\"large\"}}");
        await OkAsync("patch", "configmap", "settings", "-n", "shop", "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/color\",\"value\":\"red\"}]");
        Assert.Contains("scaled", await OkAsync("scale", "deployment", "web", "-n", "shop", "--replicas=5"));

        var settings = await engine.Client.ReadNamespacedConfigMapAsync("settings", "shop");
        Assert.Equal("gold", settings.Metadata.Labels["tier"]);
        Assert.Equal("ops", settings.Metadata.Annotations["owner"]);
        Assert.Equal("large", settings.Data["size"]);
        Assert.Equal("red", settings.Data["color"]);
        var deployment = await engine.Client.ReadNamespacedDeploymentAsync("web", "shop");
        Assert.Equal(5, deployment.Spec.Replicas);
        Assert.True(deployment.Metadata.Generation > 1);
    }

    [Fact]
    public async Task Describe_shows_the_object_and_its_events()
    {
        await ApplyManifestAsync();
        var deployment = await engine.Client.ReadNamespacedDeploymentAsync("web", "shop");
        await engine.Client.CreateNamespacedEventAsync(new k8s.Models.Corev1Event
        {
            Metadata = new() { Name = "web.described" },
            InvolvedObject = new() { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", NamespaceProperty = "shop", Uid = deployment.Metadata.Uid },
            Reason = "ScalingReplicaSet",
            Message = "Scaled up replica set web-1 to 2",
            Type = "Normal",
            Source = new() { Component = "deployment-controller" },
        }, "shop");

        var output = await OkAsync("describe", "deployment", "web", "-n", "shop");

        Assert.Contains("Replicas:", output);
        Assert.Contains("RollingUpdateStrategy:", output);
        Assert.Contains("Scaled up replica set web-1 to 2", output);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_waits_for_it()
    {
        await ApplyManifestAsync();
        await engine.Client.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap { Metadata = new() { Name = "temporary" } }, "shop");

        Assert.Contains("configmap \"temporary\" deleted", await OkAsync("delete", "configmap", "temporary", "-n", "shop"));

        var (code, output) = await _kubectl.RunAsync("get", "configmap", "temporary", "-n", "shop");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", output);
    }

    [Fact]
    public async Task An_invalid_manifest_is_refused_with_a_clear_error_and_nothing_is_stored()
    {
        const string unknownField = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: default\ndata:\n  a: b\ndatta:\n  c: d\n";
        var (code, output) = await _kubectl.RunWithInputAsync(unknownField, "apply", "-f", "-");
        Assert.NotEqual(0, code);
        Assert.Contains("unknown field \"datta\"", output);

        const string badName = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: default\n";
        (code, output) = await _kubectl.RunWithInputAsync(badName, "apply", "-f", "-");
        Assert.NotEqual(0, code);
        Assert.Contains("is invalid", output);
        Assert.Contains("metadata.name", output);

        var names = (await engine.Client.ListNamespacedConfigMapAsync("default")).Items.Select(c => c.Metadata.Name);
        Assert.DoesNotContain("typo", names);
        Assert.DoesNotContain("Bad_Name", names);
    }
}
