using System.Net.Http.Headers;
using System.Text;
using k8s;

namespace KubePS.Module.Session;

/// <summary>
/// The typed KubernetesClient, plus raw requests for what it has no typed method for: any resource
/// found through discovery (Get-KubeObject), merge and apply patches with a content type of our
/// choosing (Publish-KubeManifest), and watches read line by line. Raw requests go through the same
/// credentials, TLS settings and error handling as the typed ones.
/// </summary>
public sealed class KubeClient(KubernetesClientConfiguration configuration) : Kubernetes(configuration)
{
    /// <summary>
    /// Sends a request to a path relative to the server (with its query string) and returns the
    /// response once its headers are in; a status that is not a success throws HttpOperationException.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string relativeUri, string? body, string? contentType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, relativeUri.TrimStart('/')));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        return SendRequestRaw(null, request, cancellationToken);
    }

    /// <summary>Sends a request and reads the whole answer as text.</summary>
    public async Task<string> SendForTextAsync(
        HttpMethod method, string relativeUri, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, relativeUri, body, contentType, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
