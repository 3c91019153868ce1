using System.Text;

namespace KubePS.Engine.Tests.Api;

/// <summary>One request a hostile or broken client could send.</summary>
public sealed record HostileRequest(string Method, string Path, string? ContentType = null, byte[]? Body = null)
{
    public HostileRequest(string method, string path, string contentType, string body)
        : this(method, path, contentType, Encoding.UTF8.GetBytes(body))
    {
    }
}

/// <summary>Hand-picked malformed and hostile requests, each of which a Kubernetes API server refuses with a 4xx.</summary>
public static class HostileRequests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Json = "application/json";

    private static readonly string Deep = new string('[', 10_000) + new string(']', 10_000);
    private static readonly string DeepObject = string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);
    private static readonly string Huge = new('a', 2_000_000);

    public static readonly IReadOnlyDictionary<string, HostileRequest> All = new Dictionary<string, HostileRequest>
    {
        ["metadata as a string"] = new("POST", ConfigMaps, Json, """{"metadata":"x"}"""),
        ["name as a number"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":5}}"""),
        ["data as an array"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":"a"},"data":[1,2]}"""),
        ["label value as a number"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":"a","labels":{"a":1}}}"""),
        ["body as an array"] = new("POST", ConfigMaps, Json, "[]"),
        ["body as a string"] = new("POST", ConfigMaps, Json, "\"configmap\""),
        ["body as null"] = new("POST", ConfigMaps, Json, "null"),
        ["empty body"] = new("POST", ConfigMaps, Json, ""),
        ["truncated JSON"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":"""),
        ["a pod with containers as an object"] = new("POST", "/api/v1/namespaces/default/pods", Json, """{"metadata":{"name":"p"},"spec":{"containers":{"name":"x"}}}"""),
        ["replicas as a string"] = new("POST", "/apis/apps/v1/namespaces/default/deployments", Json, """{"metadata":{"name":"d"},"spec":{"replicas":"three"}}"""),
        ["replicas beyond int32"] = new("POST", "/apis/apps/v1/namespaces/default/deployments", Json, """{"metadata":{"name":"d"},"spec":{"replicas":99999999999999}}"""),
        ["a 2 MB name"] = new("POST", ConfigMaps, Json, "{\"metadata\":{\"name\":\"" + Huge + "\"}}"),
        ["a 2 MB label"] = new("POST", ConfigMaps, Json, "{\"metadata\":{\"name\":\"a\",\"labels\":{\"k\":\"" + Huge + "\"}}}"),
        ["a 10,000 character label key"] = new("POST", ConfigMaps, Json, "{\"metadata\":{\"name\":\"a\",\"labels\":{\"" + new string('k', 10_000) + "\":\"v\"}}}"),
        ["100,000 labels of which one is invalid"] = new("POST", ConfigMaps, Json, ManyLabels()),
        ["a 200,000 element array where a string belongs"] = new("POST", ConfigMaps, Json, $$$"""{"metadata":{"name":[{{{string.Join(',', Enumerable.Repeat("1", 200_000))}}}]}}"""),
        ["arrays nested 10,000 deep"] = new("POST", ConfigMaps, Json, "{\"metadata\":{\"name\":\"a\"},\"data\":" + Deep + "}"),
        ["objects nested 10,000 deep"] = new("POST", ConfigMaps, Json, "{\"metadata\":{\"name\":\"a\"},\"data\":" + DeepObject + "}"),
        ["a merge patch nested 10,000 deep"] = new("PATCH", ConfigMaps + "/target", "application/merge-patch+json", DeepObject),
        ["a JSON patch nested 10,000 deep"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", Deep),
        ["a strategic merge patch nested 10,000 deep"] = new("PATCH", ConfigMaps + "/target", "application/strategic-merge-patch+json", DeepObject),
        ["an apply patch nested 10,000 deep"] = new("PATCH", ConfigMaps + "/target?fieldManager=fuzz", "application/apply-patch+yaml", DeepObject),
        ["invalid UTF-8 in a name"] = new("POST", ConfigMaps, Json, [.. "{\"metadata\":{\"name\":\""u8, 0xff, 0xfe, 0xc3, .. "\"}}"u8]),
        ["text/plain"] = new("POST", ConfigMaps, "text/plain", "metadata: {name: a}"),
        ["XML"] = new("POST", ConfigMaps, "application/xml", "<configmap/>"),
        ["truncated protobuf"] = new("POST", ConfigMaps, "application/vnd.kubernetes.protobuf", [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31]),
        ["protobuf with a field the server does not know"] = new("POST", ConfigMaps, "application/vnd.kubernetes.protobuf",
            ProtoWriter.Envelope("v1", "ConfigMap", c => c.Message(1, m => m.String(1, "a")).String(99, "x"))),
        ["protobuf with a length past the end"] = new("POST", ConfigMaps, "application/vnd.kubernetes.protobuf", [0x6b, 0x38, 0x73, 0x00, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        ["protobuf of a kind the server does not know"] = new("POST", ConfigMaps, "application/vnd.kubernetes.protobuf",
            ProtoWriter.Envelope("example.com/v1", "Widget", w => w.Message(1, m => m.String(1, "a")))),
        ["protobuf magic declared as JSON"] = new("POST", ConfigMaps, Json, [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31]),
        ["a patch as text/plain"] = new("PATCH", ConfigMaps + "/target", "text/plain", "{}"),
        ["a JSON patch that is an object"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", "{}"),
        ["a JSON patch with an unknown op"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"explode","path":"/data"}]"""),
        ["a JSON patch past the end of an array"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"add","path":"/metadata/finalizers/99999999999","value":"x"}]"""),
        ["a JSON patch moving from nowhere"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"move","from":"/nope/deeper","path":"/data/x"}]"""),
        ["a JSON patch with a failing test"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"test","path":"/data/k","value":"other"}]"""),
        ["a JSON patch without a path"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"remove"}]"""),
        ["a JSON patch with a number as path"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"remove","path":7}]"""),
        ["a JSON patch removing the metadata"] = new("PATCH", ConfigMaps + "/target", "application/json-patch+json", """[{"op":"remove","path":"/metadata"}]"""),
        ["a merge patch that renames"] = new("PATCH", ConfigMaps + "/target", "application/merge-patch+json", """{"metadata":{"name":"other"}}"""),
        ["a strategic merge patch with a bad directive"] = new("PATCH", "/api/v1/namespaces/default/pods/target", "application/strategic-merge-patch+json", """{"spec":{"containers":[{"$patch":"explode"}]}}"""),
        ["an apply patch that is not YAML"] = new("PATCH", ConfigMaps + "/target?fieldManager=fuzz", "application/apply-patch+yaml", "{[: ::"),
        ["an apply patch without a field manager"] = new("PATCH", ConfigMaps + "/target", "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\n"),
        ["limit=abc"] = new("GET", ConfigMaps + "?limit=abc"),
        ["limit=-1"] = new("GET", ConfigMaps + "?limit=-1"),
        ["a forged continue token"] = new("GET", ConfigMaps + "?limit=1&continue=%00%ff"),
        ["resourceVersion=-1 on a watch"] = new("GET", ConfigMaps + "?watch=true&resourceVersion=-1"),
        ["resourceVersion=abc on a watch"] = new("GET", ConfigMaps + "?watch=true&resourceVersion=abc"),
        ["resourceVersion=abc on a list"] = new("GET", ConfigMaps + "?resourceVersion=abc"),
        ["timeoutSeconds=x"] = new("GET", ConfigMaps + "?watch=true&timeoutSeconds=x"),
        ["a label selector of punctuation"] = new("GET", ConfigMaps + "?labelSelector=!!%3D%3D(("),
        ["a field selector on an unknown field"] = new("GET", ConfigMaps + "?fieldSelector=spec.bogus%3Dx"),
        ["gracePeriodSeconds=x"] = new("DELETE", ConfigMaps + "/target?gracePeriodSeconds=x"),
        ["delete options of the wrong type"] = new("DELETE", ConfigMaps + "/target", Json, """{"gracePeriodSeconds":"soon"}"""),
        ["an unknown resource"] = new("GET", "/api/v1/foos"),
        ["an unknown group"] = new("GET", "/apis/nope.example.com/v1/things"),
        ["an unknown version"] = new("GET", "/api/v2/pods"),
        ["an unknown subresource"] = new("GET", ConfigMaps + "/target/exec"),
        ["too many path segments"] = new("GET", ConfigMaps + "/target/status/extra/more"),
        ["dot-dot in the namespace"] = new("GET", "/api/v1/namespaces/..%2F..%2Fetc/configmaps/passwd"),
        ["dot-dot in the name"] = new("GET", ConfigMaps + "/..%2F..%2F..%2Fetc%2Fpasswd"),
        ["a dot-dot name on create"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":"../../etc/passwd"}}"""),
        ["a malformed percent escape"] = new("GET", ConfigMaps + "/%zz%"),
        ["a namespaced name without its namespace"] = new("GET", "/api/v1/configmaps/target"),
        ["an unknown method"] = new("PROPFIND", ConfigMaps),
        ["POST on a named object"] = new("POST", ConfigMaps + "/target", Json, "{}"),
        ["PUT on a collection"] = new("PUT", ConfigMaps, Json, "{}"),
        ["a body naming another object"] = new("PUT", ConfigMaps + "/target", Json, """{"metadata":{"name":"other"}}"""),
        ["a body in another namespace"] = new("POST", ConfigMaps, Json, """{"metadata":{"name":"a","namespace":"kube-system"}}"""),
        ["a body of another kind"] = new("POST", ConfigMaps, Json, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"}}"""),
        ["a scale with a string replicas"] = new("PUT", "/apis/apps/v1/namespaces/default/deployments/target/scale", Json, """{"spec":{"replicas":"x"}}"""),
        ["a binding of the wrong shape"] = new("POST", "/api/v1/namespaces/default/pods/target/binding", Json, """{"target":"node"}"""),
        ["a body over the size limit"] = new("POST", ConfigMaps, Json, new byte[40 * 1024 * 1024]),
    };

    private static string ManyLabels()
    {
        var labels = string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":\"v\""));
        return "{\"metadata\":{\"name\":\"a\",\"labels\":{" + labels + ",\"bad key!\":\"v\"}}}";
    }
}
