using System.Net;
using System.Text;
using k8s;

namespace KubePS.Engine.Tests.Api;

/// <summary>fieldValidation: Strict refuses unknown fields, Warn (the default) stores the object and warns, Ignore is silent.</summary>
public sealed class FieldValidationTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private async Task<HttpResponseMessage> CreateAsync(string name, string? mode)
    {
        using var http = engine.CreateHttpClient();
        var query = mode is null ? "" : $"?fieldValidation={mode}";
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"colour\":\"red\"},\"data\":{\"a\":\"1\"},\"extra\":{\"x\":1}}";
        return await http.PostAsync(new Uri(engine.Client.BaseUri, "api/v1/namespaces/default/configmaps" + query), new StringContent(body, Encoding.UTF8, "application/json"));
    }

    private static List<string> Warnings(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Warning", out var values) ? [.. values] : [];

    [Fact]
    public async Task By_default_unknown_fields_are_dropped_with_one_warning_each()
    {
        using var response = await CreateAsync("fv-default", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["299 - \"unknown field \\\"extra\\\"\"", "299 - \"unknown field \\\"metadata.colour\\\"\""], Warnings(response).Order());
        var stored = await engine.Client.ReadNamespacedConfigMapAsync("fv-default", "default");
        Assert.Equal("1", stored.Data["a"]);
    }

    [Fact]
    public async Task Ignore_stores_without_a_word()
    {
        using var response = await CreateAsync("fv-ignore", "Ignore");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(Warnings(response));
    }

    [Fact]
    public async Task Strict_refuses_naming_each_unknown_field_and_stores_nothing()
    {
        using var response = await CreateAsync("fv-strict", "Strict");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await response.Content.ReadAsStringAsync();
        Assert.Contains("unknown field \\\"extra\\\"", status);
        Assert.Contains("unknown field \\\"metadata.colour\\\"", status);
        Assert.DoesNotContain((await engine.Client.ListNamespacedConfigMapAsync("default")).Items, c => c.Metadata.Name == "fv-strict");
    }

    [Fact]
    public async Task An_unknown_mode_is_a_bad_request()
    {
        using var response = await CreateAsync("fv-bad", "Loose");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("fieldValidation", await response.Content.ReadAsStringAsync());
    }
}
