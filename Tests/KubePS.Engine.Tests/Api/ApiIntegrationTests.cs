using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>The engine's HTTP API on a random loopback port, driven by the KubernetesClient library.</summary>
public sealed class ApiIntegrationTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    private static V1Pod Pod(string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        // Not for the default scheduler: these tests write the pods themselves and must not race it.
        Spec = new V1PodSpec { SchedulerName = "manual", Containers = [new V1Container { Name = "app", Image = "kubeps/busybox:1" }] },
    };

    private static V1Status StatusOf(HttpOperationException e) =>
        JsonSerializer.Deserialize<V1Status>(e.Response.Content, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    [Fact]
    public async Task The_initial_namespaces_exist()
    {
        var names = (await Client.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name);
        Assert.Equal(["default", "kube-node-lease", "kube-system"], names.Order());
    }

    [Fact]
    public async Task Created_pods_get_server_fields_and_defaults_and_can_be_read_back()
    {
        var created = await Client.CreateNamespacedPodAsync(Pod("crud-a"), "default");

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal("Always", created.Spec.RestartPolicy);
        Assert.Equal("IfNotPresent", created.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("Pending", created.Status.Phase);

        var read = await Client.ReadNamespacedPodAsync("crud-a", "default");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task GenerateName_makes_a_unique_name()
    {
        var pod = Pod("");
        pod.Metadata.Name = null;
        pod.Metadata.GenerateName = "gen-";
        var a = await Client.CreateNamespacedPodAsync(pod, "default");
        var b = await Client.CreateNamespacedPodAsync(pod, "default");
        Assert.StartsWith("gen-", a.Metadata.Name);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Lists_filter_by_label_and_field_selectors_and_carry_a_resourceVersion()
    {
        await Client.CreateNamespacedPodAsync(Pod("sel-a", new() { ["app"] = "web", ["tier"] = "front" }), "default");
        await Client.CreateNamespacedPodAsync(Pod("sel-b", new() { ["app"] = "web", ["tier"] = "back" }), "default");
        await Client.CreateNamespacedPodAsync(Pod("sel-c", new() { ["app"] = "db" }), "default");

        var web = await Client.ListNamespacedPodAsync("default", labelSelector: "app=web");
        Assert.Equal(["sel-a", "sel-b"], web.Items.Select(p => p.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(web.Metadata.ResourceVersion));

        var setBased = await Client.ListNamespacedPodAsync("default", labelSelector: "app in (web,db),tier notin (back)");
        Assert.Equal(["sel-a", "sel-c"], setBased.Items.Select(p => p.Metadata.Name));

        var byName = await Client.ListPodForAllNamespacesAsync(fieldSelector: "metadata.name=sel-b");
        Assert.Equal("sel-b", Assert.Single(byName.Items).Metadata.Name);

        var pending = await Client.ListNamespacedPodAsync("default", fieldSelector: "status.phase!=Running,spec.nodeName=");
        Assert.Contains(pending.Items, p => p.Metadata.Name == "sel-c");
    }

    [Fact]
    public async Task An_unsupported_field_selector_is_a_bad_request()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ListNamespacedPodAsync("default", fieldSelector: "spec.image=x"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
        Assert.Contains("field label not supported: spec.image", StatusOf(e).Message);
    }

    [Fact]
    public async Task Updating_with_a_stale_resourceVersion_is_a_409_conflict()
    {
        var created = await Client.CreateNamespacedPodAsync(Pod("stale"), "default");
        created.Metadata.Labels = new Dictionary<string, string> { ["v"] = "1" };
        var updated = await Client.ReplaceNamespacedPodAsync(created, "stale", "default");
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        created.Metadata.Labels["v"] = "2";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ReplaceNamespacedPodAsync(created, "stale", "default"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = StatusOf(e);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message);
        Assert.Equal("1", (await Client.ReadNamespacedPodAsync("stale", "default")).Metadata.Labels["v"]);
    }

    [Fact]
    public async Task Creating_an_existing_name_is_409_AlreadyExists()
    {
        await Client.CreateNamespacedPodAsync(Pod("twice"), "default");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(Pod("twice"), "default"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Equal("AlreadyExists", StatusOf(e).Reason);
        Assert.Equal("pods \"twice\" already exists", StatusOf(e).Message);
    }

    [Fact]
    public async Task Invalid_names_and_labels_are_422_with_the_field_path()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(Pod("Bad_Name"), "default"));
        Assert.Equal((HttpStatusCode)422, e.Response.StatusCode);
        var status = StatusOf(e);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal("metadata.name", Assert.Single(status.Details.Causes).Field);

        var labelled = Pod("label-bad", new() { [new string('k', 64)] = "v", ["ok"] = new string('v', 64) });
        var e2 = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(labelled, "default"));
        var causes = StatusOf(e2).Details.Causes;
        Assert.Equal(2, causes.Count);
        Assert.All(causes, c => Assert.Equal("metadata.labels", c.Field));

        var noImage = Pod("no-image");
        noImage.Spec.Containers[0].Image = null;
        var e3 = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(noImage, "default"));
        Assert.Equal("spec.containers[0].image", Assert.Single(StatusOf(e3).Details.Causes).Field);
    }

    [Fact]
    public async Task A_pod_in_a_missing_namespace_is_refused_with_NotFound()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(Pod("orphan"), "nowhere"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.Equal("namespaces \"nowhere\" not found", StatusOf(e).Message);
    }

    [Fact]
    public async Task Reading_a_missing_pod_is_404_NotFound()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ReadNamespacedPodAsync("missing", "default"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.Equal("pods \"missing\" not found", StatusOf(e).Message);
    }

    [Fact]
    public async Task DryRun_validates_without_storing()
    {
        await Client.CreateNamespacedPodAsync(Pod("dry"), "default", dryRun: "All");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ReadNamespacedPodAsync("dry", "default"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }

    [Fact]
    public async Task An_unscheduled_pod_is_deleted_at_once()
    {
        await Client.CreateNamespacedPodAsync(Pod("gone"), "default");
        await Client.DeleteNamespacedPodAsync("gone", "default");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ReadNamespacedPodAsync("gone", "default"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }

    [Fact]
    public async Task A_bound_pod_is_deleted_gracefully_until_its_node_confirms()
    {
        await Client.CreateNamespacedPodAsync(Pod("graceful"), "default");
        await Client.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = "graceful" }, Target = new V1ObjectReference { Kind = "Node", Name = "somewhere" } },
            "graceful", "default");

        var marked = await Client.DeleteNamespacedPodAsync("graceful", "default");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(30, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.NotNull(await Client.ReadNamespacedPodAsync("graceful", "default"));

        await Client.DeleteNamespacedPodAsync("graceful", "default", gracePeriodSeconds: 0);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.ReadNamespacedPodAsync("graceful", "default"));
    }

    [Fact]
    public async Task Binding_sets_the_node_once_and_refuses_a_second_binding()
    {
        await Client.CreateNamespacedPodAsync(Pod("bind-me"), "default");
        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "bind-me" }, Target = new V1ObjectReference { Kind = "Node", Name = "n1" } };
        await Client.CreateNamespacedPodBindingAsync(binding, "bind-me", "default");

        var pod = await Client.ReadNamespacedPodAsync("bind-me", "default");
        Assert.Equal("n1", pod.Spec.NodeName);
        Assert.Contains(pod.Status.Conditions, c => c is { Type: "PodScheduled", Status: "True" });
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodBindingAsync(binding, "bind-me", "default"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
    }

    [Fact]
    public async Task The_status_subresource_changes_only_the_status()
    {
        var pod = await Client.CreateNamespacedPodAsync(Pod("status-only"), "default");
        pod.Status.Phase = "Running";
        pod.Spec.Containers[0].Image = "changed:1";
        var updated = await Client.ReplaceNamespacedPodStatusAsync(pod, "status-only", "default");
        Assert.Equal("Running", updated.Status.Phase);
        Assert.Equal("kubeps/busybox:1", updated.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task Merge_patch_changes_labels()
    {
        await Client.CreateNamespacedPodAsync(Pod("patched", new() { ["a"] = "1" }), "default");
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"b\":\"2\",\"a\":null}}}", V1Patch.PatchType.MergePatch);
        var pod = await Client.PatchNamespacedPodAsync(patch, "patched", "default");
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, pod.Metadata.Labels);
    }

    [Fact]
    public async Task A_pod_that_fits_no_node_stays_Pending_with_a_FailedScheduling_event()
    {
        var pod = Pod("unschedulable");
        pod.Spec.SchedulerName = null;
        await Client.CreateNamespacedPodAsync(pod, "default");
        var events = await Eventually(async () =>
        {
            var list = await Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=unschedulable");
            return list.Items.Count > 0 ? list.Items : null;
        });

        var ev = Assert.Single(events);
        Assert.Equal("FailedScheduling", ev.Reason);
        Assert.Equal("Warning", ev.Type);
        Assert.Equal("0/0 nodes are available: no nodes available to schedule pods.", ev.Message);
        pod = await Client.ReadNamespacedPodAsync("unschedulable", "default");
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Contains(pod.Status.Conditions, c => c is { Type: "PodScheduled", Status: "False", Reason: "Unschedulable" });
    }

    [Fact]
    public async Task Requests_without_a_token_get_401_but_health_and_version_stay_open()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        var server = Client.BaseUri.ToString().TrimEnd('/');
        var pods = await http.GetAsync($"{server}/api/v1/pods");
        Assert.Equal(HttpStatusCode.Unauthorized, pods.StatusCode);
        Assert.Contains("\"reason\":\"Unauthorized\"", await pods.Content.ReadAsStringAsync());

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{server}/api/v1/pods")).StatusCode);

        foreach (var open in new[] { "/healthz", "/readyz", "/livez", "/version" })
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server + open)).StatusCode);
        }
    }

    [Fact]
    public async Task Version_reports_Kubernetes_1_32()
    {
        var version = await Client.GetCodeAsync();
        Assert.Equal("1", version.Major);
        Assert.Equal("32", version.Minor);
        Assert.StartsWith("v1.32.", version.GitVersion);
    }

    [Fact]
    public async Task Discovery_lists_the_core_resources_with_verbs_and_short_names()
    {
        var resources = await Client.CoreV1.GetAPIResourcesAsync();
        var pods = Assert.Single(resources.Resources, r => r.Name == "pods");
        Assert.Contains("watch", pods.Verbs);
        Assert.Equal(["po"], pods.ShortNames);
        Assert.Contains(resources.Resources, r => r.Name == "pods/binding");
        Assert.False(Assert.Single(resources.Resources, r => r.Name == "nodes").Namespaced);
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_it_and_its_pods()
    {
        await Client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "doomed" } });
        await Client.CreateNamespacedPodAsync(Pod("inside"), "doomed");

        var terminating = await Client.DeleteNamespaceAsync("doomed");
        Assert.NotNull(terminating);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodAsync(Pod("late"), "doomed"));
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);

        await Eventually(async () =>
        {
            try
            {
                await Client.ReadNamespaceAsync("doomed");
                return null;
            }
            catch (HttpOperationException gone) when (gone.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return "gone";
            }
        });
        Assert.Empty((await Client.ListPodForAllNamespacesAsync(fieldSelector: "metadata.namespace=doomed")).Items);
    }

    internal static async Task<T> Eventually<T>(Func<Task<T?>> probe, int seconds = 20)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {seconds} s");
            }

            await Task.Delay(200);
        }
    }
}
