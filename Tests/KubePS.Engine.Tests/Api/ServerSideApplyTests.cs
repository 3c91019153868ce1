using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubePS.Engine.Tests.Controllers;

namespace KubePS.Engine.Tests.Api;

/// <summary>Field ownership in server-side apply: conflicts, force, shared fields, removal, and updates taking fields.</summary>
public sealed class ServerSideApplyTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Deployment Deployment(string name, int replicas, string image = "kubeps/app:1") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec { Replicas = replicas, Selector = Workloads.Selector(name), Template = Workloads.Template(name, image) },
    };

    private static V1ConfigMap ConfigMap(string name, params (string Key, string Value)[] data) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };

    private Task<V1Deployment> ApplyAsync(V1Deployment config, string manager, bool force = false) =>
        Client.PatchNamespacedDeploymentAsync(new V1Patch(KubernetesJson.Serialize(config), V1Patch.PatchType.ApplyPatch), config.Metadata.Name, "default", fieldManager: manager, force: force);

    private Task<V1ConfigMap> ApplyAsync(V1ConfigMap config, string manager) =>
        Client.PatchNamespacedConfigMapAsync(new V1Patch(KubernetesJson.Serialize(config), V1Patch.PatchType.ApplyPatch), config.Metadata.Name, "default", fieldManager: manager);

    private static string? Owned(V1ObjectMeta meta, string manager, string operation) =>
        meta.ManagedFields.SingleOrDefault(m => m.Manager == manager && m.Operation == operation) is { } entry ? JsonSerializer.Serialize(entry.FieldsV1) : null;

    [Fact]
    public async Task Applying_a_field_another_manager_set_differently_is_a_409_that_names_both_and_changes_nothing()
    {
        await Client.CreateNamespacedDeploymentAsync(Deployment("ssa-conflict", 2), "default", fieldManager: "creator");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(Deployment("ssa-conflict", 3), "applier"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"creator\" using apps/v1: .spec.replicas", status.Message);
        var cause = Assert.Single(status.Details.Causes);
        Assert.Equal(("FieldManagerConflict", ".spec.replicas"), (cause.Reason, cause.Field));
        var live = await Client.ReadNamespacedDeploymentAsync("ssa-conflict", "default");
        Assert.Equal(2, live.Spec.Replicas);
        Assert.DoesNotContain(live.Metadata.ManagedFields, m => m.Manager == "applier");
    }

    [Fact]
    public async Task A_forced_apply_takes_the_field_over_and_an_equal_value_is_shared()
    {
        await Client.CreateNamespacedDeploymentAsync(Deployment("ssa-force", 2), "default", fieldManager: "creator");

        var forced = await ApplyAsync(Deployment("ssa-force", 3), "applier", force: true);

        Assert.Equal(3, forced.Spec.Replicas);
        Assert.DoesNotContain("f:replicas", Owned(forced.Metadata, "creator", "Update"));
        Assert.Contains("f:replicas", Owned(forced.Metadata, "applier", "Apply"));
        // The image is the creator's too, with the same value: both own it, nobody conflicts.
        Assert.Contains("f:image", Owned(forced.Metadata, "creator", "Update"));
        Assert.Contains("f:image", Owned(forced.Metadata, "applier", "Apply"));
    }

    [Fact]
    public async Task An_update_takes_the_fields_it_changes_so_the_next_apply_conflicts_with_it()
    {
        await ApplyAsync(Deployment("ssa-update", 2), "gitops");

        var scaled = await Client.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "ssa-update", "default", fieldManager: "scaler");

        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Owned(scaled.Metadata, "scaler", "Update"));
        Assert.DoesNotContain("f:replicas", Owned(scaled.Metadata, "gitops", "Apply"));
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(Deployment("ssa-update", 2), "gitops"));
        Assert.Contains("conflict with \"scaler\" using apps/v1: .spec.replicas", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Fields_left_out_of_the_next_apply_are_removed_unless_another_manager_owns_them()
    {
        await ApplyAsync(ConfigMap("ssa-remove", ("a", "1"), ("b", "2"), ("shared", "s")), "first");
        await ApplyAsync(ConfigMap("ssa-remove", ("shared", "s")), "second");

        var after = await ApplyAsync(ConfigMap("ssa-remove", ("a", "1")), "first");

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["shared"] = "s" }, after.Data);
        Assert.Equal("""{"f:data":{".":{},"f:a":{}}}""", Owned(after.Metadata, "first", "Apply"));
    }

    [Fact]
    public async Task Kubectl_apply_server_side_reports_a_conflict_with_kubectl_create_and_force_conflicts_resolves_it()
    {
        var kubectl = new KubectlRunner(engine.KubeConfigPath, engine.DataPath);
        var (code, output) = await kubectl.RunAsync("create", "deployment", "ssa-kubectl", "--image=kubeps/busybox:1", "--replicas=1");
        Assert.True(code == 0, output);
        const string manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: ssa-kubectl
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: ssa-kubectl
              template:
                metadata:
                  labels:
                    app: ssa-kubectl
                spec:
                  containers:
                  - name: busybox
                    image: kubeps/busybox:1
            """;

        (code, output) = await kubectl.RunWithInputAsync(manifest, "apply", "--server-side", "-f", "-");
        Assert.NotEqual(0, code);
        Assert.Contains("conflict with \"kubectl-create\" using apps/v1: .spec.replicas", output);
        Assert.Equal(1, (await Client.ReadNamespacedDeploymentAsync("ssa-kubectl", "default")).Spec.Replicas);

        (code, output) = await kubectl.RunWithInputAsync(manifest, "apply", "--server-side", "--force-conflicts", "-f", "-");
        Assert.True(code == 0, output);
        Assert.Equal(3, (await Client.ReadNamespacedDeploymentAsync("ssa-kubectl", "default")).Spec.Replicas);
    }
}
