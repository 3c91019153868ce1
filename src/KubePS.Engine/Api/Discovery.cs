using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>Legacy discovery documents, built from the kind registry.</summary>
public static class Discovery
{
    public static V1APIVersions CoreVersions() => new()
    {
        Kind = "APIVersions",
        Versions = ["v1"],
        ServerAddressByClientCIDRs = [],
    };

    public static V1APIGroupList Groups()
    {
        var groups = KindRegistry.All.Where(k => k.Group.Length > 0).GroupBy(k => k.Group).Select(g =>
        {
            var versions = g.SelectMany(k => new[] { k.Version }.Concat(k.AlsoServedAs)).Distinct()
                .Select(v => new V1GroupVersionForDiscovery { GroupVersion = $"{g.Key}/{v}", Version = v }).ToList();
            return new V1APIGroup { Name = g.Key, Versions = versions, PreferredVersion = versions[0] };
        }).ToList();

        // Served by the engine itself, from the nodes, not from the store.
        var metrics = new V1GroupVersionForDiscovery { GroupVersion = $"{MetricsApi.Group}/{MetricsApi.Version}", Version = MetricsApi.Version };
        groups.Add(new V1APIGroup { Name = MetricsApi.Group, Versions = [metrics], PreferredVersion = metrics });
        return new V1APIGroupList { ApiVersion = "v1", Kind = "APIGroupList", Groups = groups };
    }

    /// <summary>The resources of one group version, or null when the registry serves none there.</summary>
    public static V1APIResourceList? Resources(string group, string version)
    {
        var kinds = KindRegistry.All.Where(k => k.Group == group && (k.Version == version || k.AlsoServedAs.Contains(version))).ToList();
        if (kinds.Count == 0)
        {
            return null;
        }

        var resources = new List<V1APIResource>();
        foreach (var kind in kinds)
        {
            resources.Add(new V1APIResource
            {
                Name = kind.Plural,
                SingularName = kind.Singular,
                Namespaced = kind.Namespaced,
                Kind = kind.Kind,
                Verbs = kind.Verbs.ToList(),
                ShortNames = kind.ShortNames.Count > 0 ? kind.ShortNames.ToList() : null,
                Categories = kind.Categories.Count > 0 ? kind.Categories.ToList() : null,
            });
            resources.AddRange(kind.Subresources.Select(sub => Subresource(kind, sub)));
        }

        return new V1APIResourceList
        {
            ApiVersion = "v1",
            Kind = "APIResourceList",
            GroupVersion = group.Length == 0 ? version : $"{group}/{version}",
            Resources = resources,
        };
    }

    private static V1APIResource Subresource(KindInfo kind, string sub)
    {
        var resource = new V1APIResource
        {
            Name = $"{kind.Plural}/{sub}",
            SingularName = "",
            Namespaced = kind.Namespaced,
            Kind = kind.Kind,
            Verbs = ["get", "patch", "update"],
        };
        switch (sub)
        {
            case "binding":
                (resource.Kind, resource.Verbs) = ("Binding", ["create"]);
                break;
            case "log":
                resource.Verbs = ["get"];
                break;
            case "proxy":
                (resource.Kind, resource.Verbs) = ("NodeProxyOptions", ["create", "delete", "get", "patch", "update"]);
                break;
            case "exec":
                (resource.Kind, resource.Verbs) = ("PodExecOptions", ["create", "get"]);
                break;
            case "finalize":
                resource.Verbs = ["update"];
                break;
            case "scale":
                (resource.Group, resource.Version, resource.Kind) = ("autoscaling", "v1", "Scale");
                break;
            case "eviction":
                (resource.Group, resource.Version, resource.Kind, resource.Verbs) = ("policy", "v1", "Eviction", ["create"]);
                break;
        }

        return resource;
    }

    public static VersionInfo Version() => new()
    {
        Major = WellKnown.KubernetesMajor,
        Minor = WellKnown.KubernetesMinor,
        GitVersion = WellKnown.GitVersion,
        GitCommit = "0000000000000000000000000000000000000000",
        GitTreeState = "clean",
        BuildDate = "2026-01-01T00:00:00Z",
        GoVersion = "n/a",
        Compiler = "dotnet",
        Platform = $"{(OperatingSystem.IsWindows() ? "windows" : "linux")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
    };
}
