using k8s.Models;

namespace KubePS.Engine.Admission;

/// <summary>Server-side defaults, as the Kubernetes API server applies them on create and update.</summary>
public static class Defaulting
{
    public static void Apply(object obj)
    {
        switch (obj)
        {
            case V1Pod pod:
                DefaultPod(pod);
                break;
            case V1Namespace ns:
                ns.Spec ??= new V1NamespaceSpec();
                ns.Spec.Finalizers ??= ["kubernetes"];
                ns.Status ??= new V1NamespaceStatus();
                ns.Status.Phase ??= "Active";
                break;
        }
    }

    private static void DefaultPod(V1Pod pod)
    {
        var spec = pod.Spec ??= new V1PodSpec();
        spec.RestartPolicy ??= "Always";
        spec.DnsPolicy ??= "ClusterFirst";
        spec.SchedulerName ??= "default-scheduler";
        spec.TerminationGracePeriodSeconds ??= 30;
        spec.SecurityContext ??= new V1PodSecurityContext();
        spec.EnableServiceLinks ??= true;
        spec.Priority ??= 0;
        foreach (var container in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
        {
            container.ImagePullPolicy ??= PullPolicyFor(container.Image);
            container.TerminationMessagePath ??= "/dev/termination-log";
            container.TerminationMessagePolicy ??= "File";
            container.Resources ??= new V1ResourceRequirements();
            foreach (var port in container.Ports ?? [])
            {
                port.Protocol ??= "TCP";
            }
        }

        pod.Status ??= new V1PodStatus();
        pod.Status.Phase ??= "Pending";
        pod.Status.QosClass ??= QosClassOf(spec);
    }

    // Kubernetes pulls ':latest' (or an untagged image) every time, anything else only when missing.
    private static string PullPolicyFor(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Contains('@'))
        {
            return "IfNotPresent";
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon < 0 || lastSegment[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    private static string QosClassOf(V1PodSpec spec)
    {
        var containers = spec.Containers ?? [];
        var any = containers.Any(c => c.Resources?.Requests is { Count: > 0 } || c.Resources?.Limits is { Count: > 0 });
        if (!any)
        {
            return "BestEffort";
        }

        var guaranteed = containers.All(c =>
            c.Resources?.Limits is { } limits && limits.ContainsKey("cpu") && limits.ContainsKey("memory")
            && (c.Resources.Requests is null || c.Resources.Requests.All(r => limits.TryGetValue(r.Key, out var l) && l.ToDecimal() == r.Value.ToDecimal())));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
