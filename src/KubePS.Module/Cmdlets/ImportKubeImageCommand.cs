using System.Management.Automation;
using System.Net.Http.Headers;
using System.Text.Json;
using k8s;
using KubePS.Module.Errors;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// Loads the images of a <c>docker save</c> archive into the container runtime of every node (or the
/// nodes named), through the API server's node proxy, so pods can use them without a registry.
/// </summary>
/// <example><code>docker save -o app.tar app:1; Import-KubeImage ./app.tar</code>Loads an image into every node, so pods can use it without a registry.</example>
[Cmdlet(VerbsData.Import, "KubeImage", SupportsShouldProcess = true, HelpUri = HelpLinks.ImportKubeImage)]
[OutputType(typeof(KubeImageImport))]
public sealed class ImportKubeImageCommand : KubeApiCmdlet
{
    /// <summary>The image archive, as written by <c>docker save -o image.tar name:tag</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The nodes to load it into; every node when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(path))
        {
            WriteError(new ErrorRecord(new FileNotFoundException(Messages.ImageArchiveMissing(path), path), ErrorIds.NotFound, ErrorCategory.ObjectNotFound, path));
            return;
        }

        if (!ShouldProcess(path, VerbsData.Import))
        {
            return;
        }

        RunForItem(path, async (writer, ct) =>
        {
            var nodes = Node ?? (await Client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.Select(n => n.Metadata.Name).ToArray();
            var kubernetes = (Kubernetes)Client;
            var progress = new ProgressRecord(4, Messages.ImportActivity(System.IO.Path.GetFileName(path)), path);
            for (var i = 0; i < nodes.Length; i++)
            {
                var node = nodes[i];
                progress.StatusDescription = Messages.ImportStatus(node, i, nodes.Length);
                progress.PercentComplete = i * 100 / nodes.Length;
                writer.Progress(progress);
                await using var archive = File.OpenRead(path);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(kubernetes.BaseUri, $"api/v1/nodes/{Uri.EscapeDataString(node)}/proxy/images/load"))
                {
                    Content = new StreamContent(archive),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
                await kubernetes.Credentials.ProcessHttpRequestAsync(request, ct);
                using var response = await kubernetes.HttpClient.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    writer.Error(new ErrorRecord(new InvalidOperationException(Messages.ImageImportFailed(node, body.Trim())), ErrorIds.ImageImportFailed, ErrorCategory.InvalidData, path));
                    continue;
                }

                var images = JsonDocument.Parse(body).RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetString() ?? "").ToArray();
                writer.Object(new KubeImageImport(node, path, images));
            }

            progress.RecordType = ProgressRecordType.Completed;
            writer.Progress(progress);
        });
    }
}

/// <summary>What one node loaded from an archive, in its runtime's words ("Loaded image: name:tag").</summary>
public sealed record KubeImageImport(string Node, string Path, IReadOnlyList<string> Images);
