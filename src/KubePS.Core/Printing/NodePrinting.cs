using k8s.Models;

namespace KubePS.Core.Printing;

/// <summary>The STATUS and ROLES of a node, computed the way kubectl prints them.</summary>
public static class NodePrinting
{
    private const string RolePrefix = "node-role.kubernetes.io/";

    public static string Status(V1Node node)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var status = ready?.Status switch
        {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        };
        return node.Spec?.Unschedulable == true ? status + ",SchedulingDisabled" : status;
    }

    public static string Roles(V1Node node)
    {
        var roles = (node.Metadata?.Labels ?? new Dictionary<string, string>()).Keys
            .Where(k => k.StartsWith(RolePrefix, StringComparison.Ordinal))
            .Select(k => k[RolePrefix.Length..])
            .Where(r => r.Length > 0)
            .Order()
            .ToList();
        return roles.Count == 0 ? "<none>" : string.Join(',', roles);
    }
}
