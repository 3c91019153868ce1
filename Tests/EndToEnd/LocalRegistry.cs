using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubePS.NodeService.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KubePS.EndToEnd.Tests;

/// <summary>
/// A Docker registry (distribution API v2, pull only) on loopback, serving one image: the local
/// kubeps/busybox:1 plus a layer holding <c>/served.txt</c>, so a test can tell a pulled image from a local one.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private const string ManifestType = "application/vnd.docker.distribution.manifest.v2+json";

    private readonly WebApplication _app;
    private readonly Dictionary<string, byte[]> _blobs = [];
    private byte[] _manifest = [];

    private LocalRegistry(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public string ServedText { get; } = "served by the test registry " + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The image reference of the served image under <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public string Image(string repository, string tag) => $"localhost:{Port}/{repository}:{tag}";

    public int ManifestRequests { get; private set; }

    public static async Task<LocalRegistry> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var registry = new LocalRegistry(builder.Build());
        await registry.BuildImageAsync();
        registry.Route();
        await registry._app.StartAsync();
        registry.Port = new Uri(registry._app.Urls.First()).Port;
        return registry;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Route()
    {
        _app.MapGet("/v2/", (HttpContext context) =>
        {
            context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            return Results.Json(new { });
        });
        _app.MapMethods("/v2/{**path}", ["GET", "HEAD"], (HttpContext context, string path) =>
        {
            if (path.Contains("/manifests/", StringComparison.Ordinal))
            {
                ManifestRequests++;
                return Serve(context, _manifest, ManifestType);
            }

            var digest = path[(path.LastIndexOf('/') + 1)..];
            return path.Contains("/blobs/", StringComparison.Ordinal) && _blobs.TryGetValue(digest, out var blob)
                ? Serve(context, blob, "application/octet-stream")
                : Results.NotFound();
        });
    }

    private static IResult Serve(HttpContext context, byte[] content, string contentType)
    {
        context.Response.Headers["Docker-Content-Digest"] = Digest(content);
        context.Response.ContentLength = content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Results.Content("", contentType) : Results.Bytes(content, contentType);
    }

    // docker save gives the base image's config and its one layer; a second layer adds /served.txt.
    private async Task BuildImageAsync()
    {
        var saved = Path.Combine(Path.GetTempPath(), "kubeps-registry-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await HostCommand.RunAsync("docker", ["save", "-o", saved, "kubeps/busybox:1"]);
        var files = new Dictionary<string, byte[]>();
        await using (var archive = File.OpenRead(saved))
        {
            using var reader = new TarReader(archive);
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    await entry.DataStream.CopyToAsync(copy);
                    files[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }

        File.Delete(saved);
        var savedManifest = JsonNode.Parse(files["manifest.json"])![0]!;
        var config = JsonNode.Parse(files[(string)savedManifest["Config"]!])!.AsObject();
        var baseLayer = files[(string)savedManifest["Layers"]![0]!];
        var servedLayer = await LayerAsync("served.txt", ServedText);

        config["rootfs"]!["diff_ids"]!.AsArray().Add(Digest(servedLayer));
        config["history"]?.AsArray().Add(new JsonObject { ["created_by"] = "the test registry" });
        var configBlob = Encoding.UTF8.GetBytes(config.ToJsonString());
        var layers = new JsonArray();
        foreach (var layer in new[] { baseLayer, servedLayer })
        {
            var gzipped = Gzip(layer);
            _blobs[Digest(gzipped)] = gzipped;
            layers.Add(new JsonObject { ["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar.gzip", ["size"] = gzipped.Length, ["digest"] = Digest(gzipped) });
        }

        _blobs[Digest(configBlob)] = configBlob;
        _manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.docker.container.image.v1+json", ["size"] = configBlob.Length, ["digest"] = Digest(configBlob) },
            ["layers"] = layers,
        }.ToJsonString());
    }

    private static async Task<byte[]> LayerAsync(string name, string content)
    {
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            await writer.WriteEntryAsync(entry);
        }

        return tar.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
