using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Engine.Api;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Tests.Api;

/// <summary>Strategic merge patch on JSON, with the merge keys of the k8s.Models types.</summary>
public sealed class StrategicMergePatchTests
{
    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"p","labels":{"app":"web","tier":"front"},"finalizers":["a","b","c"]},
         "spec":{"containers":[
           {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
            "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}]},
           {"name":"sidecar","image":"side:1"}]}}
        """;

    private static JsonObject Patch(string original, string patch, Type? type = null) =>
        StrategicMergePatch.Apply(JsonNode.Parse(original)!.AsObject(), JsonNode.Parse(patch)!.AsObject(), type ?? typeof(V1Pod));

    private static string[] Names(JsonNode? list, string key = "name") =>
        list!.AsArray().Select(i => i![key]!.ToJsonString().Trim('"')).ToArray();

    [Fact]
    public void Changing_one_containers_image_keeps_the_other_container()
    {
        var result = Patch(Pod, """{"spec":{"containers":[{"name":"sidecar","image":"side:2"}]}}""");

        Assert.Equal(["app", "sidecar"], Names(result["spec"]!["containers"]));
        Assert.Equal("app:1", result["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("side:2", result["spec"]!["containers"]![1]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Env_merges_by_name_and_a_new_container_is_appended()
    {
        var result = Patch(Pod, """{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]},{"name":"new","image":"n:1"}]}}""");

        var env = result["spec"]!["containers"]![0]!["env"]!;
        Assert.Equal(["A", "B", "C"], Names(env));
        Assert.Equal("3", env[1]!["value"]!.GetValue<string>());
        Assert.Equal(["app", "sidecar", "new"], Names(result["spec"]!["containers"]));
    }

    [Fact]
    public void Ports_merge_by_containerPort()
    {
        var result = Patch(Pod, """{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443,"name":"https"},{"containerPort":8080}]}]}}""");

        var ports = result["spec"]!["containers"]![0]!["ports"]!;
        Assert.Equal(["80", "443", "8080"], Names(ports, "containerPort"));
        Assert.Equal("https", ports[1]!["name"]!.GetValue<string>());
        Assert.Equal("TCP", ports[1]!["protocol"]!.GetValue<string>());
    }

    [Fact]
    public void A_delete_directive_removes_the_list_item_with_that_key()
    {
        var result = Patch(Pod, """{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}""");

        Assert.Equal(["app"], Names(result["spec"]!["containers"]));
    }

    [Fact]
    public void A_replace_directive_in_a_list_replaces_the_whole_list()
    {
        var result = Patch(Pod, """{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o:1"}]}}""");

        Assert.Equal(["only"], Names(result["spec"]!["containers"]));
    }

    [Fact]
    public void A_replace_directive_in_a_map_replaces_the_map()
    {
        var result = Patch(Pod, """{"metadata":{"labels":{"$patch":"replace","new":"x"}}}""");

        Assert.Equal("""{"new":"x"}""", result["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void SetElementOrder_orders_the_merged_list()
    {
        var result = Patch(Pod, """{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:2"}]}}""");

        Assert.Equal(["sidecar", "app"], Names(result["spec"]!["containers"]));
        Assert.Equal("app:2", result["spec"]!["containers"]![1]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void RetainKeys_drops_the_fields_it_does_not_name()
    {
        const string deployment = """{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""";

        var result = Patch(deployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""", typeof(V1Deployment));

        Assert.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]!.ToJsonString());
    }

    [Fact]
    public void Null_deletes_a_label()
    {
        var result = Patch(Pod, """{"metadata":{"labels":{"tier":null,"env":"prod"}}}""");

        Assert.Equal("""{"app":"web","env":"prod"}""", result["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void DeleteFromPrimitiveList_removes_finalizers_and_finalizers_merge_as_a_set()
    {
        var result = Patch(Pod, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"finalizers":["c","d"]}}""");

        Assert.Equal("""["a","c","d"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Lists_without_a_merge_key_are_replaced()
    {
        const string pod = """{"spec":{"tolerations":[{"key":"a"},{"key":"b"}],"containers":[{"name":"app","args":["x","y"]}]}}""";

        var result = Patch(pod, """{"spec":{"tolerations":[{"key":"c"}],"containers":[{"name":"app","args":["z"]}]}}""");

        Assert.Equal("""[{"key":"c"}]""", result["spec"]!["tolerations"]!.ToJsonString());
        Assert.Equal("""["z"]""", result["spec"]!["containers"]![0]!["args"]!.ToJsonString());
    }

    [Fact]
    public void Conditions_merge_by_type_in_any_kind()
    {
        const string node = """{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"MemoryPressure","status":"False"}]}}""";

        var result = Patch(node, """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", typeof(V1Node));

        Assert.Equal("""[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]""", result["status"]!["conditions"]!.ToJsonString());
    }

    [Fact]
    public void Directives_are_not_left_in_new_fields()
    {
        var result = Patch("""{"spec":{}}""", """{"spec":{"volumes":[{"name":"v","$patch":"merge","emptyDir":{}}],"$setElementOrder/volumes":[{"name":"v"}]}}""");

        Assert.Equal("""{"volumes":[{"name":"v","emptyDir":{}}]}""", result["spec"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"spec":{"containers":[{"$patch":"explode"}]}}""")]
    [InlineData("""{"spec":{"containers":[{"image":"no-name"}]}}""")]
    [InlineData("""{"spec":{"containers":["not-an-object"]}}""")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}""")]
    [InlineData("""{"metadata":{"labels":{"$patch":5}}}""")]
    [InlineData("""{"spec":{"$retainKeys":["containers"],"nodeName":"n"}}""")]
    public void A_malformed_patch_is_a_bad_request(string patch)
    {
        var e = Assert.Throws<ApiException>(() => Patch(Pod, patch));
        Assert.Equal(400, e.Code);
    }

    [Fact]
    public void Kinds_without_a_model_type_get_a_merge_patch()
    {
        var original = JsonNode.Parse("""{"spec":{"items":[1,2],"a":1}}""")!.AsObject();

        var result = Patching.Apply(original, StrategicMergePatch.MediaType, """{"spec":{"items":[3],"a":null}}""", typeof(JsonObject));

        Assert.Equal("""{"spec":{"items":[3]}}""", result.ToJsonString());
    }
}
