using k8s.Models;

namespace KubePS.Engine.Scheduling;

/// <summary>Kubernetes' taint and toleration matching.</summary>
public static class TaintToleration
{
    /// <summary>The node's NoSchedule and NoExecute taints that none of the tolerations tolerate.</summary>
    public static IEnumerable<V1Taint> Untolerated(IEnumerable<V1Toleration>? tolerations, V1Node node)
    {
        var list = tolerations?.ToList() ?? [];
        return (node.Spec?.Taints ?? []).Where(t => t.Effect is "NoSchedule" or "NoExecute" && !list.Any(x => Tolerates(x, t)));
    }

    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        if (string.IsNullOrEmpty(toleration.Key))
        {
            return toleration.OperatorProperty == "Exists";
        }

        return toleration.Key == taint.Key
            && (toleration.OperatorProperty == "Exists" || (toleration.Value ?? "") == (taint.Value ?? ""));
    }
}
