using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Tests.Kinds;

namespace KubePS.Engine.Tests.Api;

/// <summary>Malformed and hostile requests get a 4xx v1.Status, never a 5xx or a hang, and the engine keeps serving.</summary>
public sealed class HostileInputTests(EngineFixture engine) : IClassFixture<EngineFixture>, IAsyncLifetime
{
    private static readonly string[] PatchTypes =
        ["application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

    public static TheoryData<string> Cases() => [.. HostileRequests.All.Keys];

    public async Task InitializeAsync()
    {
        using var http = engine.CreateHttpClient();
        foreach (var kind in new[] { KindRegistry.ConfigMap, KindRegistry.Pod, KindRegistry.Deployment })
        {
            var sample = KindSamples.Create(kind, "target");
            if (kind == KindRegistry.ConfigMap)
            {
                sample["data"] = new JsonObject { ["k"] = "v" };
            }

            using var response = await http.PostAsync(BaseUri() + CollectionPath(kind), new StringContent(sample.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_request_is_refused_with_a_4xx_Status(string name)
    {
        var request = HostileRequests.All[name];

        var (code, body) = await SendAsync(request);

        Assert.True(code is >= 400 and < 500, $"{request.Method} {request.Path}: {code} {Shorten(body)}");
        AssertStatus(code, body, request);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Randomly_damaged_objects_and_patches_never_get_a_5xx()
    {
        var mutator = new JsonMutator(seed: 20240611);
        var random = new Random(7);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        foreach (var kind in KindRegistry.All)
        {
            for (var i = 0; i < 12; i++, sent++)
            {
                var sample = KindSamples.Create(kind, $"fuzz-{i}");
                var request = random.Next(3) == 0
                    ? new HostileRequest("PATCH", CollectionPath(kind) + "/target?fieldManager=fuzz", PatchTypes[random.Next(PatchTypes.Length)], mutator.Mutate(sample))
                    : new HostileRequest("POST", CollectionPath(kind), "application/json", mutator.Mutate(sample));

                var (code, body) = await SendAsync(request);

                // A damaged object may still be a valid one; what is refused must be refused properly.
                Assert.True(code < 500, $"{kind.Kind} {request.Method} {request.ContentType}: {code} {Shorten(body)}\n{Shorten(Encoding.UTF8.GetString(request.Body!))}");
                if (code >= 400)
                {
                    AssertStatus(code, body, request);
                }
            }
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{sent} requests took {clock.Elapsed}");
        await AssertStillServingAsync();
    }

    private async Task<(int Code, string Body)> SendAsync(HostileRequest request)
    {
        using var http = engine.CreateHttpClient();
        http.Timeout = TimeSpan.FromSeconds(15);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), BaseUri() + request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType!);

            // So that a body the engine refuses unread (too large) is not sent: the refusal itself is under test.
            message.Headers.ExpectContinue = true;
        }

        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return ((int)response.StatusCode, body);
    }

    private static void AssertStatus(int code, string body, HostileRequest request)
    {
        JsonNode? status = null;
        try
        {
            status = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
        }

        Assert.True(
            status?["kind"]?.GetValue<string>() == "Status" && status["code"]?.GetValue<int>() == code,
            $"{request.Method} {request.Path}: {code} without a v1.Status of that code: {Shorten(body)}");
    }

    private async Task AssertStillServingAsync()
    {
        using var http = engine.CreateHttpClient();
        using var response = await http.GetAsync(BaseUri() + "/api/v1/namespaces/default/configmaps/target");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private string BaseUri() => engine.Client.BaseUri.ToString().TrimEnd('/');

    private static string CollectionPath(KindInfo kind) =>
        $"/{(kind.Group.Length == 0 ? "api" : "apis/" + kind.Group)}/{kind.Version}/{(kind.Namespaced ? "namespaces/default/" : "")}{kind.Plural}";

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
