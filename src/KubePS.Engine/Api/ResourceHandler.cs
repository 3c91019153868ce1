using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api.Patch;
using KubePS.Engine.Api.Protobuf;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>Turns one resource request (verb + path) into a call on the <see cref="ObjectService"/>.</summary>
public sealed class ResourceHandler(
    ObjectService objects, ScaleSubresource scales, TablePrinter printer, WatchStreamer watches, PodLogProxy logs, PodExecProxy execs, PodEviction evictions)
{
    public async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        var (kind, ns, name, sub) = (request.Kind, request.Namespace, request.Name, request.Subresource);
        if (name is not null && kind.Namespaced && ns is null)
        {
            throw ApiException.PathNotFound();
        }

        switch (context.Request.Method, name, sub)
        {
            case ("GET", null, _) when request.Flag("watch"):
                await watches.StreamAsync(context, request);
                break;
            case ("GET", null, _):
                await ListAsync(context, request);
                break;
            case ("GET", not null, "log"):
                await logs.StreamAsync(context, ns!, name);
                break;
            case ("GET" or "POST", not null, "exec") when kind == KindRegistry.Pod:
                await execs.RelayAsync(context, ns!, name);
                break;
            case ("GET", not null, "scale"):
                await HttpWriting.WriteJsonAsync(response, 200, await scales.GetAsync(kind, ns!, name, ct), ct);
                break;
            case ("PUT", not null, "scale"):
                await HttpWriting.WriteJsonAsync(response, 200, await scales.UpdateAsync(kind, ns!, name, await ReadObjectAsync(context), ct), ct);
                break;
            case ("PATCH", not null, "scale"):
                var scalePatch = await ReadBodyAsync(context);
                await HttpWriting.WriteJsonAsync(response, 200, await scales.PatchAsync(kind, ns!, name, MediaType(context), scalePatch, ct), ct);
                break;
            case ("GET", not null, null or "status"):
                await WriteObjectAsync(context, request, 200, await objects.GetAsync(kind, ns, name, ct));
                break;
            case ("POST", null, null):
                var created = await ReadObjectAsync(context, request);
                await WriteObjectAsync(context, request, 201, await objects.CreateAsync(kind, ns, created, request.DryRun, ct, FieldManager(context, request)));
                break;
            case ("POST", not null, "binding"):
                var binding = KubeJson.ToTyped<V1Binding>(await ReadObjectAsync(context));
                await objects.BindAsync(ns!, name, binding, ct);
                await HttpWriting.WriteJsonAsync(response, 201, HttpWriting.Success(name, kind.Plural, null), ct);
                break;
            case ("POST", not null, "eviction") when kind == KindRegistry.Pod:
                await evictions.EvictAsync(ns!, name, KubeJson.ToTyped<V1Eviction>(await ReadObjectAsync(context)), ct);
                await HttpWriting.WriteJsonAsync(response, 201, HttpWriting.Success(name, kind.Plural, null), ct);
                break;
            case ("PUT", not null, null or "status" or "finalize"):
                var body = await ReadObjectAsync(context, request);
                var updated = await objects.UpdateAsync(kind, ns, name, body, sub == "finalize" ? null : sub, request.DryRun, ct, FieldManager(context, request));
                await WriteObjectAsync(context, request, 200, updated);
                break;
            case ("PATCH", not null, null or "status") when MediaType(context) == ApplyConfiguration.MediaType && request.Version == kind.Version:
                var manager = request.Value("fieldManager") ?? throw ApiException.BadRequest("PATCH " + context.Request.Path + ": fieldManager is required for apply requests");
                var applied = await objects.ApplyAsync(kind, ns, name, await ReadBodyAsync(context), manager, request.Flag("force"), request.Value("fieldValidation"), sub, request.DryRun, ct);
                HttpWriting.AddWarnings(response, applied.Warnings);
                await WriteObjectAsync(context, request, applied.Created ? 201 : 200, applied.Object);
                break;
            case ("PATCH", not null, null or "status") when request.Version != kind.Version:
                // The patch is written against the requested version, so it is applied to that view of the object.
                var view = VersionConversion.FromStorage(kind, request.Version, await objects.GetAsync(kind, ns, name, ct));
                var converted = VersionConversion.ToStorage(kind, request.Version, Patching.Apply(view, MediaType(context), await ReadBodyAsync(context), VersionConversion.ClrTypeFor(kind, request.Version)));
                await WriteObjectAsync(context, request, 200, await objects.UpdateAsync(kind, ns, name, converted, sub, request.DryRun, ct, FieldManager(context, request)));
                break;
            case ("PATCH", not null, null or "status"):
                var patch = await ReadBodyAsync(context);
                var patched = await objects.PatchAsync(kind, ns, name, MediaType(context), patch, sub, request.DryRun, ct, FieldManager(context, request));
                await WriteObjectAsync(context, request, 200, patched);
                break;
            case ("DELETE", not null, null):
                await DeleteAsync(context, request);
                break;
            case ("DELETE", null, null):
                await DeleteCollectionAsync(context, request);
                break;
            default:
                throw ApiException.MethodNotAllowed(context.Request.Method);
        }
    }

    private async Task ListAsync(HttpContext context, ResourceRequest request)
    {
        var (labels, fields) = Selectors(request);
        var list = await objects.ListAsync(request.Kind, request.Namespace, labels, fields, context.RequestAborted);
        var page = ListPaging.Apply(list.Items, list.ResourceVersion, request.Value("limit"), request.Value("continue"));
        if (WantsTable(context))
        {
            var table = printer.Print(request.Kind, page.Items, page.ResourceVersion, request.Value("includeObject") ?? "Metadata");
            SetPageMetadata(table, page);
            await HttpWriting.WriteJsonAsync(context.Response, 200, table, context.RequestAborted);
            return;
        }

        var body = ListOf(request, page.Items.Select(i => VersionConversion.FromStorage(request.Kind, request.Version, i)));
        SetPageMetadata(body, page);
        await HttpWriting.WriteJsonAsync(context.Response, 200, body, context.RequestAborted);
    }

    private static void SetPageMetadata(JsonObject body, ListPaging.Page page)
    {
        var metadata = new JsonObject { ["resourceVersion"] = page.ResourceVersion };
        if (page.Continue is not null)
        {
            metadata["continue"] = page.Continue;
            metadata["remainingItemCount"] = page.RemainingItemCount;
        }

        body["metadata"] = metadata;
    }

    private static JsonObject ListOf(ResourceRequest request, IEnumerable<JsonObject> items) => new()
    {
        ["kind"] = request.Kind.Kind + "List",
        ["apiVersion"] = request.ApiVersion,
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
    };

    // deletecollection: every object the selectors match goes the way a single delete would (graceful pods included).
    private async Task DeleteCollectionAsync(HttpContext context, ResourceRequest request)
    {
        var (labels, fields) = Selectors(request);
        var options = await ReadDeleteOptionsAsync(context, request);
        var list = await objects.ListAsync(request.Kind, request.Namespace, labels, fields, context.RequestAborted);
        var deleted = new List<JsonObject>();
        foreach (var item in list.Items)
        {
            try
            {
                var outcome = await objects.DeleteAsync(request.Kind, KubeJson.NamespaceOf(item), KubeJson.NameOf(item), options, request.DryRun, context.RequestAborted);
                deleted.Add(outcome.Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile.
            }
        }

        await HttpWriting.WriteJsonAsync(context.Response, 200, ListOf(request, deleted.Select(d => VersionConversion.FromStorage(request.Kind, request.Version, d))), context.RequestAborted);
    }

    private static async Task<V1DeleteOptions?> ReadDeleteOptionsAsync(HttpContext context, ResourceRequest request)
    {
        var text = await ReadBodyAsync(context);
        var options = text.Trim().Length > 0 ? Parse<V1DeleteOptions>(text) : null;
        if (request.Value("gracePeriodSeconds") is { } grace)
        {
            options ??= new V1DeleteOptions();
            options.GracePeriodSeconds = long.TryParse(grace, out var seconds) && seconds >= 0
                ? seconds
                : throw ApiException.BadRequest($"invalid gracePeriodSeconds \"{grace}\"");
        }

        if (request.Value("propagationPolicy") is { } policy)
        {
            options ??= new V1DeleteOptions();
            options.PropagationPolicy = policy;
        }

        return options;
    }

    private async Task DeleteAsync(HttpContext context, ResourceRequest request)
    {
        var ct = context.RequestAborted;
        var options = await ReadDeleteOptionsAsync(context, request);
        var outcome = await objects.DeleteAsync(request.Kind, request.Namespace, request.Name!, options, request.DryRun, ct);

        // Like the Kubernetes API server: some kinds answer with the object, the others with a Status once gone.
        if (!outcome.Removed || request.Kind.ReturnsDeletedObject)
        {
            await WriteObjectAsync(context, request, 200, outcome.Object);
            return;
        }

        var group = request.Kind.Group.Length == 0 ? null : request.Kind.Group;
        var success = HttpWriting.Success(request.Name, request.Kind.Plural, group);
        success.Details.Uid = KubeJson.MetadataOf(outcome.Object).Uid;
        await HttpWriting.WriteJsonAsync(context.Response, 200, success, ct);
    }

    private async Task WriteObjectAsync(HttpContext context, ResourceRequest request, int code, JsonObject obj)
    {
        var kind = request.Kind;
        obj = VersionConversion.FromStorage(kind, request.Version, obj);
        if (WantsTable(context))
        {
            var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
            obj = printer.Print(kind, [obj], rv, context.Request.Query["includeObject"].ToString() is { Length: > 0 } i ? i : "Metadata");
        }

        await HttpWriting.WriteJsonAsync(context.Response, code, obj, context.RequestAborted);
    }

    public static (LabelSelector Labels, FieldSelector Fields) Selectors(ResourceRequest request)
    {
        try
        {
            return (LabelSelector.Parse(request.Value("labelSelector")), FieldSelector.Parse(request.Value("fieldSelector")));
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    // Kubernetes' rule: the fieldManager parameter, or else the client's User-Agent up to its first '/'.
    private static string? FieldManager(HttpContext context, ResourceRequest request)
    {
        var manager = request.Value("fieldManager") ?? context.Request.Headers.UserAgent.ToString().Split('/')[0].Trim();
        return manager.Length switch
        {
            0 => null,
            > 128 => throw ApiException.BadRequest($"fieldManager: Invalid value: \"{manager[..20]}...\": must be at most 128 characters"),
            _ => manager,
        };
    }

    public static bool WantsTable(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static string MediaType(HttpContext context) =>
        (context.Request.ContentType ?? HttpWriting.Json).Split(';')[0].Trim().ToLowerInvariant();

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var mediaType = MediaType(context);
        return mediaType switch
        {
            HttpWriting.Json or "*/*" => Parse<JsonObject>(await ReadBodyAsync(context)),
            ProtobufBody.MediaType => DecodeProtobuf(await ReadBytesAsync(context)),
            _ => throw ApiException.UnsupportedMediaType(mediaType),
        };
    }

    private static async Task<byte[]> ReadBytesAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static JsonObject DecodeProtobuf(byte[] body)
    {
        try
        {
            return ProtobufBody.Decode(body, ProtobufSchema.Kubernetes);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"the protobuf body of the request could not be decoded: {e.Message}");
        }
    }

    // A body at the requested version, checked for unknown fields there, then converted to the stored version.
    private static async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceRequest request)
    {
        var body = await ReadObjectAsync(context);
        HttpWriting.AddWarnings(context.Response, FieldValidation.CheckKnownFields(request.Value("fieldValidation"), body, VersionConversion.ClrTypeFor(request.Kind, request.Version)));
        return VersionConversion.ToStorage(request.Kind, request.Version, body);
    }

    private static T Parse<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, KubeJson.Options) ?? throw ApiException.BadRequest("the request body is empty");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized: {e.Message}");
        }
    }
}
