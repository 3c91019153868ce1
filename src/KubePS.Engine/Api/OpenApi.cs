using System.Text.Json.Nodes;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>
/// OpenAPI v3 documents, just enough for kubectl: one PATCH operation per kind carrying its
/// group-version-kind and the <c>fieldValidation</c> parameter, which tells kubectl 1.32 to leave
/// validation of applied and created manifests to the server.
/// </summary>
public static class OpenApi
{
    /// <summary>The index at <c>/openapi/v3</c>: one entry per served group version.</summary>
    public static JsonObject Index()
    {
        var paths = new JsonObject();
        foreach (var groupVersion in KindRegistry.GroupVersions())
        {
            var key = PathOf(groupVersion);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(groupVersion)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group version (<c>api/v1</c>, <c>apis/apps/v1</c>), or null if none is served there.</summary>
    public static JsonObject? Document(string path)
    {
        var groupVersion = KindRegistry.GroupVersions().FirstOrDefault(gv => PathOf(gv) == path);
        if (groupVersion is null)
        {
            return null;
        }

        var (group, version) = groupVersion.Contains('/') ? (groupVersion.Split('/')[0], groupVersion.Split('/')[1]) : ("", groupVersion);
        var paths = new JsonObject();
        foreach (var kind in KindRegistry.All.Where(k => k.Group == group && (k.Version == version || k.AlsoServedAs.Contains(version))))
        {
            var scope = kind.Namespaced ? "namespaces/{namespace}/" : "";
            paths[$"/{path}/{scope}{kind.Plural}/{{name}}"] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind.Kind },
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = WellKnown.GitVersion },
            ["components"] = new JsonObject(),
            ["paths"] = paths,
        };
    }

    private static string PathOf(string groupVersion) => groupVersion.Contains('/') ? $"apis/{groupVersion}" : $"api/{groupVersion}";

    // The hash lets kubectl cache a document until the served kinds change.
    private static string Hash(string groupVersion) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            groupVersion + string.Join(',', KindRegistry.All.Select(k => k.ApiVersion + k.Plural)))))[..16];
}
