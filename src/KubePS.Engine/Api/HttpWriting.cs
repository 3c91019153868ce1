using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubePS.Engine.Api;

/// <summary>How the API writes bodies: compact JSON, the status code, and v1.Status for failures.</summary>
public static class HttpWriting
{
    public const string Json = "application/json";

    public static Task WriteJsonAsync(HttpResponse response, int statusCode, JsonNode body, CancellationToken cancellationToken) =>
        WriteTextAsync(response, statusCode, body.ToJsonString(KubeJson.Wire), cancellationToken);

    public static Task WriteJsonAsync(HttpResponse response, int statusCode, object typed, CancellationToken cancellationToken) =>
        WriteTextAsync(response, statusCode, KubeJson.Serialize(typed), cancellationToken);

    public static Task WriteStatusAsync(HttpResponse response, ApiException error, CancellationToken cancellationToken) =>
        WriteJsonAsync(response, error.Code, error.ToStatus(), cancellationToken);

    public static V1Status Success(string? name, string kind, string? group) => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Success",
        Details = new V1StatusDetails { Name = name, Kind = kind, Group = group },
    };

    /// <summary>
    /// Warnings as the API server sends them: one <c>Warning: 299 - "text"</c> header each, the text
    /// quoted, and anything outside printable ASCII (which a header cannot carry) escaped as <c>\uXXXX</c>.
    /// </summary>
    public static void AddWarnings(HttpResponse response, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            var quoted = new StringBuilder("299 - \"");
            foreach (var c in warning)
            {
                quoted.Append(c switch
                {
                    '"' or '\\' => $"\\{c}",
                    < ' ' or > '~' => $"\\u{(int)c:x4}",
                    _ => c.ToString(),
                });
            }

            response.Headers.Append("Warning", quoted.Append('"').ToString());
        }
    }

    private static async Task WriteTextAsync(HttpResponse response, int statusCode, string text, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        response.ContentType = Json;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }
}
