using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Tests.Kinds;

/// <summary>The same API semantics for every kind the registry serves, over plain HTTP as any client sends it.</summary>
public sealed class EveryKindTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private string Collection(KindInfo kind, string? ns = "default")
    {
        var prefix = kind.Group.Length == 0 ? "/api/v1" : $"/apis/{kind.Group}/{kind.Version}";
        var server = engine.Client.BaseUri.ToString().TrimEnd('/');
        return kind.Namespaced && ns is not null ? $"{server}{prefix}/namespaces/{ns}/{kind.Plural}" : $"{server}{prefix}/{kind.Plural}";
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Theory]
    [MemberData(nameof(KindSamples.Kinds), MemberType = typeof(KindSamples))]
    public async Task Every_kind_supports_create_read_list_update_conflict_and_delete(string kindName)
    {
        var kind = KindRegistry.Resolve(kindName)!;
        using var http = engine.CreateHttpClient();
        var name = $"sample-{kind.Singular}";

        var created = await ReadAsync(await http.PostAsync(Collection(kind), Json(KindSamples.Create(kind, name))), HttpStatusCode.Created);
        Assert.Equal(kind.Kind, created["kind"]!.GetValue<string>());
        Assert.Equal(kind.ApiVersion, created["apiVersion"]!.GetValue<string>());
        Assert.NotNull(created["metadata"]!["uid"]);

        // Controllers may have written since (a status, a revision annotation), never before.
        var read = await ReadAsync(await http.GetAsync($"{Collection(kind)}/{name}"), HttpStatusCode.OK);
        Assert.True(VersionOf(read) >= VersionOf(created));

        var listed = await ReadAsync(await http.GetAsync($"{Collection(kind)}?labelSelector=sample%3Dyes,kind%3D{kind.Plural}"), HttpStatusCode.OK);
        Assert.Equal(kind.Kind + "List", listed["kind"]!.GetValue<string>());
        Assert.NotNull(listed["metadata"]!["resourceVersion"]);
        Assert.Contains(listed["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == name);
        var none = await ReadAsync(await http.GetAsync($"{Collection(kind)}?labelSelector=sample%3Dno"), HttpStatusCode.OK);
        Assert.Empty(none["items"]!.AsArray());

        JsonObject changed;
        HttpResponseMessage put;
        var attempts = 0;
        do
        {
            // A controller's write between the read and the PUT is a fair conflict; read again, as clients do.
            changed = (JsonObject)(await ReadAsync(await http.GetAsync($"{Collection(kind)}/{name}"), HttpStatusCode.OK)).DeepClone();
            changed["metadata"]!["labels"]!["changed"] = "yes";
            put = await http.PutAsync($"{Collection(kind)}/{name}", Json(changed));
        }
        while (put.StatusCode == HttpStatusCode.Conflict && ++attempts < 10);
        var updated = await ReadAsync(put, HttpStatusCode.OK);
        Assert.Equal("yes", updated["metadata"]!["labels"]!["changed"]!.GetValue<string>());

        var stale = await ReadAsync(await http.PutAsync($"{Collection(kind)}/{name}", Json(changed)), HttpStatusCode.Conflict);
        Assert.Equal("Conflict", stale["reason"]!.GetValue<string>());

        using var delete = await http.DeleteAsync($"{Collection(kind)}/{name}");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        if (kind != KindRegistry.Namespace)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Collection(kind)}/{name}")).StatusCode);
        }
    }

    private static long VersionOf(JsonObject obj) => long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>());

    [Theory]
    [MemberData(nameof(KindSamples.Kinds), MemberType = typeof(KindSamples))]
    public async Task Every_kind_is_in_discovery_and_prints_a_table_row_per_object(string kindName)
    {
        var kind = KindRegistry.Resolve(kindName)!;
        using var http = engine.CreateHttpClient();
        var name = $"table-{kind.Singular}";
        await ReadAsync(await http.PostAsync(Collection(kind), Json(KindSamples.Create(kind, name))), HttpStatusCode.Created);

        var discovery = await http.GetFromJsonAsync<JsonObject>(
            engine.Client.BaseUri.ToString().TrimEnd('/') + (kind.Group.Length == 0 ? "/api/v1" : $"/apis/{kind.Group}/{kind.Version}"));
        var entry = discovery!["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == kind.Plural)!;
        Assert.Equal(kind.Namespaced, entry["namespaced"]!.GetValue<bool>());
        Assert.Equal(kind.Singular, entry["singularName"]!.GetValue<string>());
        Assert.Contains("watch", entry["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Collection(kind)}/{name}");
        request.Headers.Add("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        var table = await ReadAsync(await http.SendAsync(request), HttpStatusCode.OK);
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        var columns = table["columnDefinitions"]!.AsArray();
        var row = Assert.Single(table["rows"]!.AsArray())!;
        Assert.Equal(columns.Count, row["cells"]!.AsArray().Count);
        Assert.Equal(name, row["object"]!["metadata"]!["name"]!.GetValue<string>());
    }
}
