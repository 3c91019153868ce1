using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

public sealed class ListPagingTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private Kubernetes Client => engine.Client;

    [Fact]
    public async Task Limit_and_continue_page_through_a_list_without_losing_or_repeating_items()
    {
        await Client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "paging" } });
        for (var i = 0; i < 7; i++)
        {
            await Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}" } }, "paging");
        }

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        string? firstRv = null;
        do
        {
            var page = await Client.ListNamespacedConfigMapAsync("paging", limit: 3, continueParameter: next);
            firstRv ??= page.Metadata.ResourceVersion;
            Assert.Equal(firstRv, page.Metadata.ResourceVersion);
            seen.AddRange(page.Items.Select(c => c.Metadata.Name));
            next = page.Metadata.ContinueProperty;
            if (next is not null)
            {
                Assert.Equal(7 - seen.Count, page.Metadata.RemainingItemCount);
            }

            pages++;
        }
        while (next is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), seen);
    }

    [Fact]
    public async Task A_forged_continue_token_is_a_bad_request()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.ListNamespacedConfigMapAsync("default", limit: 1, continueParameter: "not-a-token"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
    }

    [Fact]
    public async Task Deletecollection_deletes_only_what_the_selector_matches()
    {
        await Client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "sweep" } });
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "web"), ("c", "db") })
        {
            await Client.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } } }, "sweep");
        }

        await Client.DeleteCollectionNamespacedConfigMapAsync("sweep", labelSelector: "tier=web");

        Assert.Equal(["c"], (await Client.ListNamespacedConfigMapAsync("sweep")).Items.Select(c => c.Metadata.Name));
    }
}
