using System.Text.RegularExpressions;
using k8s.Models;

namespace KubePS.Core.Validation;

/// <summary>The rules of the non-workload kinds: services, config and storage, autoscaling, policy.</summary>
public static partial class ResourceValidator
{
    private static readonly string[] ServiceTypes = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    private static readonly string[] Protocols = ["TCP", "UDP", "SCTP"];

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    public static IEnumerable<FieldError> Validate(object obj) => obj switch
    {
        V1Service service => Service(service),
        V1ConfigMap cm => Keys("data", cm.Data?.Keys).Concat(Keys("binaryData", cm.BinaryData?.Keys)),
        V1Secret secret => Keys("data", secret.Data?.Keys).Concat(Keys("stringData", secret.StringData?.Keys)),
        V1PersistentVolume pv => PersistentVolume(pv),
        V1PersistentVolumeClaim pvc => PersistentVolumeClaim(pvc),
        V2HorizontalPodAutoscaler hpa => Autoscaler(hpa),
        V1PodDisruptionBudget pdb when pdb.Spec?.MinAvailable is not null && pdb.Spec.MaxUnavailable is not null =>
            [FieldError.Invalid("spec", null, "minAvailable and maxUnavailable cannot be both set")],
        V1EndpointSlice slice when string.IsNullOrEmpty(slice.AddressType) => [FieldError.Required("addressType")],
        _ => [],
    };

    private static IEnumerable<FieldError> Service(V1Service service)
    {
        var spec = service.Spec;
        var type = spec?.Type ?? "ClusterIP";
        if (!ServiceTypes.Contains(type))
        {
            yield return FieldError.NotSupported("spec.type", type, ServiceTypes);
        }

        if (type == "ExternalName" && string.IsNullOrEmpty(spec?.ExternalName))
        {
            yield return FieldError.Required("spec.externalName");
        }

        var headless = spec?.ClusterIP == "None";
        if (type != "ExternalName" && !headless && spec?.Ports is not { Count: > 0 })
        {
            yield return FieldError.Required("spec.ports");
        }

        var names = new HashSet<string>();
        for (var i = 0; i < (spec?.Ports?.Count ?? 0); i++)
        {
            var port = spec!.Ports![i];
            var path = $"spec.ports[{i}]";
            if (port.Port is < 1 or > 65535)
            {
                yield return FieldError.Invalid($"{path}.port", port.Port.ToString(), "must be between 1 and 65535, inclusive");
            }

            if (port.Protocol is { } protocol && !Protocols.Contains(protocol))
            {
                yield return FieldError.NotSupported($"{path}.protocol", protocol, Protocols);
            }

            if (spec.Ports.Count > 1 && string.IsNullOrEmpty(port.Name))
            {
                yield return FieldError.Required($"{path}.name");
            }
            else if (!string.IsNullOrEmpty(port.Name) && !names.Add(port.Name))
            {
                yield return FieldError.Duplicate($"{path}.name", port.Name);
            }

            if (port.NodePort is { } nodePort && type is not ("NodePort" or "LoadBalancer"))
            {
                yield return FieldError.Forbidden($"{path}.nodePort", $"may not be used when `type` is '{type}'");
            }
        }
    }

    private static IEnumerable<FieldError> Keys(string field, IEnumerable<string>? keys) =>
        (keys ?? []).Where(k => k.Length > 253 || !ConfigKey().IsMatch(k))
            .Select(k => FieldError.Invalid($"{field}[{k}]", k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));

    private static IEnumerable<FieldError> PersistentVolume(V1PersistentVolume pv)
    {
        if (pv.Spec?.Capacity?.ContainsKey("storage") != true)
        {
            yield return FieldError.Required("spec.capacity");
        }

        if (pv.Spec?.AccessModes is not { Count: > 0 })
        {
            yield return FieldError.Required("spec.accessModes");
        }
    }

    private static IEnumerable<FieldError> PersistentVolumeClaim(V1PersistentVolumeClaim pvc)
    {
        if (pvc.Spec?.AccessModes is not { Count: > 0 })
        {
            yield return FieldError.Required("spec.accessModes");
        }

        if (pvc.Spec?.Resources?.Requests?.ContainsKey("storage") != true)
        {
            yield return FieldError.Required("spec.resources[storage]");
        }
    }

    private static IEnumerable<FieldError> Autoscaler(V2HorizontalPodAutoscaler hpa)
    {
        if (hpa.Spec?.ScaleTargetRef is not { Name.Length: > 0, Kind.Length: > 0 })
        {
            yield return FieldError.Required("spec.scaleTargetRef");
        }

        var min = hpa.Spec?.MinReplicas ?? 1;
        var max = hpa.Spec?.MaxReplicas ?? 0;
        if (max < 1)
        {
            yield return FieldError.Invalid("spec.maxReplicas", max.ToString(), "must be greater than or equal to 1");
        }
        else if (max < min)
        {
            yield return FieldError.Invalid("spec.maxReplicas", max.ToString(), "must be greater than or equal to `minReplicas`");
        }

        if (min < 1)
        {
            yield return FieldError.Invalid("spec.minReplicas", min.ToString(), "must be greater than or equal to 1");
        }
    }
}
