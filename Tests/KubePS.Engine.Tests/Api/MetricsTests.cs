using k8s;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

public sealed class MetricsTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private async Task<string> MetricsAsync()
    {
        using var http = engine.CreateHttpClient();
        return await http.GetStringAsync(engine.Client.BaseUri.ToString().TrimEnd('/') + "/metrics");
    }

    [Fact]
    public async Task Metrics_count_requests_by_verb_resource_and_code_with_latencies_and_store_writes()
    {
        await engine.Client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "counted" } }, "default");
        await engine.Client.ListNamespacedConfigMapAsync("default");
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => engine.Client.ReadNamespacedConfigMapAsync("absent", "default"));

        var text = await MetricsAsync();

        Assert.Contains("apiserver_request_total{verb=\"CREATE\",resource=\"configmaps\",code=\"201\"} 1", text);
        Assert.Contains("apiserver_request_total{verb=\"LIST\",resource=\"configmaps\",code=\"200\"}", text);
        Assert.Contains("apiserver_request_total{verb=\"GET\",resource=\"configmaps\",code=\"404\"} 1", text);
        Assert.Contains("apiserver_request_duration_seconds_count{verb=\"CREATE\",resource=\"configmaps\"} 1", text);
        Assert.Matches("kubeps_store_write_duration_seconds_count\\{operation=\"create\"\\} [1-9]", text);
    }

    [Fact]
    public async Task Open_watches_are_counted_while_they_last()
    {
        using var cancel = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in engine.Client.CoreV1.WatchListNamespacedSecretAsync("default", cancellationToken: cancel.Token))
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
            {
            }
        });

        await ApiIntegrationTests.Eventually(async () =>
            (await MetricsAsync()).Contains("apiserver_longrunning_requests{verb=\"WATCH\",resource=\"secrets\"} 1") ? "open" : null);
        await cancel.CancelAsync();
        await watching;
        await ApiIntegrationTests.Eventually(async () =>
            (await MetricsAsync()).Contains("apiserver_longrunning_requests{verb=\"WATCH\",resource=\"secrets\"} 0") ? "closed" : null);
    }
}
