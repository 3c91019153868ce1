using k8s;
using KubePS.Engine.Controllers;
using Microsoft.Extensions.DependencyInjection;

namespace KubePS.Engine.Tests.Controllers;

public sealed class EventRecorderTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task A_repeated_event_raises_the_count_of_the_first_instead_of_adding_another()
    {
        var recorder = engine.Services.GetRequiredService<EventRecorder>();
        var about = new ObjectReference("apps/v1", "ReplicaSet", "default", "web", "uid-1", "1");

        await recorder.RecordAsync(about, "Warning", "FailedCreate", "Error creating: quota", "test", CancellationToken.None);
        await recorder.RecordAsync(about, "Warning", "FailedCreate", "Error creating: quota", "test", CancellationToken.None);
        await recorder.RecordAsync(about, "Warning", "FailedCreate", "Error creating: quota", "test", CancellationToken.None);
        await recorder.RecordAsync(about, "Normal", "SuccessfulCreate", "Created pod: web-1", "test", CancellationToken.None);

        var events = (await engine.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.uid=uid-1")).Items;
        Assert.Equal(2, events.Count);
        var repeated = Assert.Single(events, e => e.Reason == "FailedCreate");
        Assert.Equal(3, repeated.Count);
        Assert.True(repeated.LastTimestamp >= repeated.FirstTimestamp);
        Assert.Equal(1, Assert.Single(events, e => e.Reason == "SuccessfulCreate").Count);
    }
}
