using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Engine.Api.Patch;

namespace KubePS.Engine.Tests.Api;

/// <summary>The FieldsV1 set arithmetic behind field ownership.</summary>
public sealed class FieldSetTests
{
    private static JsonObject Set(string json) => JsonNode.Parse(json)!.AsObject();

    private static void AssertSet(string expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(Set(expected), actual), $"expected {expected}, got {actual}");

    [Fact]
    public void Union_subtract_and_intersect_keep_the_itself_marker_of_maps_and_list_items()
    {
        var a = Set("""{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}""");
        var b = Set("""{"f:metadata":{"f:labels":{".":{},"f:team":{}}}}""");

        Assert.Equal("""{"f:metadata":{"f:labels":{".":{},"f:app":{},"f:team":{}}},"f:spec":{"f:replicas":{}}}""", FieldSet.Union(a, b).ToJsonString());
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{}}}""", FieldSet.Subtract(a, b).ToJsonString());
        Assert.Equal("""{"f:metadata":{"f:labels":{}}}""", FieldSet.Intersect(a, b).ToJsonString());
        Assert.Empty(FieldSet.Subtract(a, a));
    }

    [Fact]
    public void Paths_read_and_remove_fields_list_items_and_set_members()
    {
        var obj = JsonNode.Parse("""{"spec":{"containers":[{"name":"app","image":"a:1"},{"name":"side","image":"s:1"}]},"metadata":{"finalizers":["x","y"]}}""")!;
        var image = new[] { "f:spec", "f:containers", "k:{\"name\":\"side\"}", "f:image" };

        Assert.True(FieldSet.TryGet(obj, image, out var value));
        Assert.Equal("s:1", (string?)value);
        Assert.Equal(".spec.containers[name=\"side\"].image", FieldSet.Describe(image));

        FieldSet.Remove(obj, ["f:spec", "f:containers", "k:{\"name\":\"app\"}"]);
        FieldSet.Remove(obj, ["f:metadata", "f:finalizers", "v:\"x\""]);

        Assert.Equal("""{"spec":{"containers":[{"name":"side","image":"s:1"}]},"metadata":{"finalizers":["y"]}}""", obj.ToJsonString());
    }

    [Fact]
    public void A_diff_lists_changed_and_removed_paths_by_merge_key()
    {
        var before = Set("""{"metadata":{"name":"p","resourceVersion":"1","labels":{"a":"1"}},"spec":{"containers":[{"name":"app","image":"a:1"},{"name":"old","image":"o:1"}]}}""");
        var after = Set("""{"metadata":{"name":"p","resourceVersion":"2","labels":{"a":"1","b":"2"}},"spec":{"containers":[{"name":"app","image":"a:2"}]}}""");

        var (changed, removed) = ManagedFields.Diff(before, after, typeof(V1Pod));

        AssertSet("""{"f:metadata":{"f:labels":{"f:b":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:image":{}}}}}""", changed);
        AssertSet("""{"f:spec":{"f:containers":{"k:{\"name\":\"old\"}":{}}}}""", removed);
    }
}
