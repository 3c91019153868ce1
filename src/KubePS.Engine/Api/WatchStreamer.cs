using System.Text;
using System.Text.Json.Nodes;
using KubePS.Engine.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace KubePS.Engine.Api;

/// <summary>
/// Serves <c>?watch=true</c>: newline-delimited JSON events, filtered by the request's selectors,
/// with bookmarks when asked for, open until timeoutSeconds (or the client leaves).
/// </summary>
public sealed class WatchStreamer(IObjectStore store, TablePrinter printer, IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);
    private static readonly byte[] LineEnd = "}\n"u8.ToArray();

    public async Task StreamAsync(HttpContext context, ResourceRequest request)
    {
        var kind = request.Kind;
        var (labels, fields) = ResourceHandler.Selectors(request);
        ObjectService.CheckFieldSelector(kind, fields);
        long? from = request.Value("resourceVersion") switch
        {
            null or "0" => null,
            var text when long.TryParse(text, out var rv) => rv,
            var text => throw ApiException.BadRequest($"invalid resourceVersion \"{text}\""),
        };

        var timeout = request.Value("timeoutSeconds") switch
        {
            null => DefaultTimeout,
            var text when int.TryParse(text, out var seconds) && seconds >= 0 => TimeSpan.FromSeconds(seconds),
            var text => throw ApiException.BadRequest($"invalid timeoutSeconds \"{text}\""),
        };

        var response = context.Response;
        StoreWatch watch;
        try
        {
            watch = store.Watch(kind, request.Namespace, from);
        }
        catch (StoreExpiredException e)
        {
            // As the API server does: the stream opens and says, in an ERROR event, that the client must re-list.
            response.StatusCode = 200;
            response.ContentType = HttpWriting.Json;
            await WriteLineAsync(response, "ERROR", JsonNode.Parse(KubeJson.Serialize(ApiException.Expired(e.Message).ToStatus()))!, context.RequestAborted);
            return;
        }

        using var _ = watch;
        using var timedOut = new CancellationTokenSource(timeout);
        using var lifetimeToken = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, timedOut.Token);
        var token = lifetimeToken.Token;

        // Writes stop only when the client leaves: Kestrel aborts a response whose write is cancelled,
        // and a watch that times out must still end cleanly, with its last bookmark.
        var aborted = context.RequestAborted;
        response.StatusCode = 200;
        response.ContentType = HttpWriting.Json;
        await response.StartAsync(aborted);
        await response.Body.FlushAsync(aborted);

        var table = ResourceHandler.WantsTable(context);
        var includeObject = request.Value("includeObject") ?? "Metadata";
        var bookmarks = request.Flag("allowWatchBookmarks");
        var filter = new WatchFilter(labels, fields, knowsInitialState: from is null);
        var firstTable = true;
        try
        {
            while (!token.IsCancellationRequested)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(token);
                tick.CancelAfter(BookmarkInterval);
                try
                {
                    if (!await watch.Events.WaitToReadAsync(tick.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    if (bookmarks)
                    {
                        await WriteBookmarkAsync(response, watch, kind, aborted);
                    }

                    continue;
                }

                while (watch.Events.TryRead(out var e))
                {
                    if (filter.Translate(e) is not { } type)
                    {
                        continue;
                    }

                    if (!table && request.Version == kind.Version)
                    {
                        await WriteLineAsync(response, type, e.Json, aborted);
                        continue;
                    }

                    JsonNode obj = VersionConversion.FromStorage(kind, request.Version, e.Object);
                    if (table)
                    {
                        obj = printer.Print(kind, [e.Object], e.ResourceVersion.ToString(), includeObject, withColumns: firstTable);
                        firstTable = false;
                    }

                    await WriteLineAsync(response, type, obj, aborted);
                }

                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The watch timed out, the client went away or the engine is stopping: the stream ends.
        }

        if (aborted.IsCancellationRequested)
        {
            return;
        }

        // A watch that reached its timeout ends with a bookmark, so the client resumes from there without re-listing.
        if (bookmarks && timedOut.IsCancellationRequested)
        {
            await WriteBookmarkAsync(response, watch, kind, aborted);
        }
    }

    // A bookmark promises every event up to its resourceVersion was sent, so it is sent only with nothing pending.
    private async Task WriteBookmarkAsync(HttpResponse response, StoreWatch watch, Core.Kinds.KindInfo kind, CancellationToken token)
    {
        var rv = store.CurrentResourceVersion;
        if (watch.Events.Count > 0)
        {
            return;
        }

        var bookmark = new JsonObject
        {
            ["kind"] = kind.Kind,
            ["apiVersion"] = kind.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString() },
        };
        await WriteLineAsync(response, "BOOKMARK", bookmark, token);
        await response.Body.FlushAsync(token);
    }

    // The stored text goes out as it is, wrapped in the event: nothing is parsed or serialised per watcher.
    private static async Task WriteLineAsync(HttpResponse response, string type, ReadOnlyMemory<byte> objectJson, CancellationToken token)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"), token);
        await response.Body.WriteAsync(objectJson, token);
        await response.Body.WriteAsync(LineEnd, token);
    }

    private static async Task WriteLineAsync(HttpResponse response, string type, JsonNode obj, CancellationToken token)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString(KubeJson.Wire) + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), token);
    }
}
