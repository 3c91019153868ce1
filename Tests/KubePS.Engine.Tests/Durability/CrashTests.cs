using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace KubePS.Engine.Tests.Durability;

/// <summary>The engine killed with SIGKILL under load, again and again, loses nothing it acknowledged.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Rounds = 20;
    private const int Writers = 6;

    [Fact]
    public async Task Acknowledged_writes_survive_SIGKILL_and_resumed_watches_miss_nothing()
    {
        using var folder = new TempFolder();
        var random = new Random(Environment.TickCount);
        var writers = Enumerable.Range(0, Writers).Select(i => new ConfigMapWriter(i, random.Next())).ToList();
        var follower = new WatchFollower();
        long highestSeen = 0;
        var clock = Stopwatch.StartNew();

        for (var round = 0; round <= Rounds; round++)
        {
            await using var engine = await EngineProcess.StartAsync(folder.Path);
            using var http = engine.CreateClient();
            if (round == 0)
            {
                await CreateNamespaceAsync(http);
            }

            var (listed, stored) = await WatchFollower.ListAsync(http);
            Assert.True(listed >= highestSeen, $"round {round}: the store is at resourceVersion {listed}, below {highestSeen} seen before the kill");
            foreach (var writer in writers)
            {
                AssertAcknowledgedWritesKept(round, writer, stored);
                writer.Adopt(stored);
            }

            if (round == 0)
            {
                follower.Relist(listed, stored);
            }

            using var killed = new CancellationTokenSource();
            var following = follower.RunAsync(http, killed.Token);
            await AssertFollowerCatchesUpAsync(round, follower, stored);
            Assert.Empty(follower.Problems);
            if (round == Rounds)
            {
                await killed.CancelAsync();
                await engine.KillAsync();
                await following;
                break;
            }

            var writing = writers.Select(w => w.RunAsync(http, listed, killed.Token)).ToList();
            await Task.Delay(random.Next(100, 900));
            await killed.CancelAsync();
            await engine.KillAsync();
            await Task.WhenAll([.. writing, following]);
            highestSeen = Math.Max(
                follower.LastResourceVersion,
                writers.SelectMany(w => w.Acknowledged.Values).Select(a => a.ResourceVersion).DefaultIfEmpty(listed).Max());
        }

        var writes = writers.Sum(w => w.Writes);
        output.WriteLine($"{Rounds} kills in {clock.Elapsed.TotalSeconds:F1} s: {writes} acknowledged writes, "
            + $"{follower.Watches} watches opened, {follower.Expirations} answered 410 and re-listed");
        Assert.True(writes >= Rounds * 10, $"only {writes} writes were acknowledged: the test did not load the engine");
    }

    private static void AssertAcknowledgedWritesKept(int round, ConfigMapWriter writer, IReadOnlyDictionary<string, WrittenConfigMap> stored)
    {
        foreach (var (name, acknowledged) in writer.Acknowledged)
        {
            Assert.True(stored.TryGetValue(name, out var found), $"round {round}: {name}, acknowledged at {acknowledged.ResourceVersion}, is gone");
            var landedPending = writer.Pending is { } pending && pending.Name == name && pending.Content with { ResourceVersion = found.ResourceVersion } == found;
            Assert.True(
                found == acknowledged || (landedPending && found.ResourceVersion > acknowledged.ResourceVersion),
                $"round {round}: {name} holds sequence {found.Sequence} at {found.ResourceVersion}; acknowledged was {acknowledged.Sequence} at {acknowledged.ResourceVersion}");
        }

        foreach (var name in stored.Keys.Where(n => writer.Owns(n) && !writer.Acknowledged.ContainsKey(n)))
        {
            Assert.True(writer.Pending?.Name == name, $"round {round}: {name} is stored but was never written");
        }
    }

    private static async Task AssertFollowerCatchesUpAsync(int round, WatchFollower follower, IReadOnlyDictionary<string, WrittenConfigMap> stored)
    {
        var deadline = Stopwatch.StartNew();
        while (!follower.Matches(stored))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"round {round}: the resumed watch never delivered the stored state; {string.Join("; ", follower.Problems)}");
            await Task.Delay(10);
        }
    }

    private static async Task CreateNamespaceAsync(HttpClient http)
    {
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ConfigMapWriter.Namespace } };
        using var response = await http.PostAsJsonAsync("/api/v1/namespaces", ns);
        response.EnsureSuccessStatusCode();
    }
}
