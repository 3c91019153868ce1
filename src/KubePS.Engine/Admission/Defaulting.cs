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
                pod.Spec ??= new V1PodSpec();
                DefaultPodSpec(pod.Spec, "Always");
                pod.Status ??= new V1PodStatus();
                pod.Status.Phase ??= "Pending";
                pod.Status.QosClass ??= QosClassOf(pod.Spec);
                break;
            case V1Namespace ns:
                ns.Spec ??= new V1NamespaceSpec();
                ns.Spec.Finalizers ??= ["kubernetes"];
                ns.Status ??= new V1NamespaceStatus();
                ns.Status.Phase ??= "Active";
                break;
            case V1Service service:
                DefaultService(service);
                break;
            case V1Secret secret:
                // stringData is write-only: the API server folds it into data, as base64 bytes.
                secret.Type ??= "Opaque";
                foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
                {
                    secret.Data ??= new Dictionary<string, byte[]>();
                    secret.Data[key] = System.Text.Encoding.UTF8.GetBytes(value);
                }

                secret.StringData = null;
                break;
            case V1PersistentVolume pv:
                pv.Spec ??= new V1PersistentVolumeSpec();
                pv.Spec.PersistentVolumeReclaimPolicy ??= "Retain";
                pv.Spec.VolumeMode ??= "Filesystem";
                pv.Status ??= new V1PersistentVolumeStatus();
                pv.Status.Phase ??= "Pending";
                break;
            case V1PersistentVolumeClaim pvc:
                pvc.Spec ??= new V1PersistentVolumeClaimSpec();
                pvc.Spec.VolumeMode ??= "Filesystem";
                pvc.Status ??= new V1PersistentVolumeClaimStatus();
                pvc.Status.Phase ??= "Pending";
                break;
            case V1PriorityClass priorityClass:
                priorityClass.PreemptionPolicy ??= "PreemptLowerPriority";
                break;
            case V2HorizontalPodAutoscaler hpa:
                hpa.Spec ??= new V2HorizontalPodAutoscalerSpec();
                hpa.Spec.MinReplicas ??= 1;
                break;
            default:
                WorkloadDefaults.Apply(obj);
                break;
        }
    }

    /// <summary>The defaults of a pod spec, also applied to the templates of workloads.</summary>
    public static void DefaultPodSpec(V1PodSpec spec, string restartPolicy)
    {
        spec.RestartPolicy ??= restartPolicy;
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
    }

    private static void DefaultService(V1Service service)
    {
        var spec = service.Spec ??= new V1ServiceSpec();
        spec.Type ??= "ClusterIP";
        spec.SessionAffinity ??= "None";
        if (spec.Type != "ExternalName")
        {
            spec.InternalTrafficPolicy ??= "Cluster";
            spec.IpFamilyPolicy ??= "SingleStack";
            spec.IpFamilies ??= ["IPv4"];
        }

        foreach (var port in spec.Ports ?? [])
        {
            port.Protocol ??= "TCP";
            port.TargetPort ??= port.Port;
        }

        service.Status ??= new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() };
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
