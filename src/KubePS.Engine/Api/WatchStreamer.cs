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

        StoreWatch watch;
        try
        {
            watch = store.Watch(kind, request.Namespace, from);
        }
        catch (StoreExpiredException e)
        {
            throw ApiException.Expired(e.Message);
        }

        using var _ = watch;
        var timeout = request.Value("timeoutSeconds") is { } t && int.TryParse(t, out var seconds) ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
        using var lifetimeToken = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        lifetimeToken.CancelAfter(timeout);
        var token = lifetimeToken.Token;

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = HttpWriting.Json;
        await response.StartAsync(token);
        await response.Body.FlushAsync(token);

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
                        await WriteBookmarkAsync(response, watch, kind, token);
                    }

                    continue;
                }

                while (watch.Events.TryRead(out var e))
                {
                    if (filter.Translate(e) is not { } type)
                    {
                        continue;
                    }

                    JsonNode obj = VersionConversion.FromStorage(kind, request.Version, e.Object);
                    if (table)
                    {
                        obj = printer.Print(kind, [e.Object], e.ResourceVersion.ToString(), includeObject, withColumns: firstTable);
                        firstTable = false;
                    }

                    await WriteLineAsync(response, type, obj, token);
                }

                await response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The watch timed out, the client went away or the engine is stopping: the stream simply ends.
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

    private static async Task WriteLineAsync(HttpResponse response, string type, JsonNode obj, CancellationToken token)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString(KubeJson.Wire) + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), token);
    }
}
