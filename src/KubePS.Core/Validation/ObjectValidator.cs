using k8s.Models;
using KubePS.Core.Kinds;

namespace KubePS.Core.Validation;

/// <summary>Validation of the parts every object shares, and of the kinds that have their own rules.</summary>
public static class ObjectValidator
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];

    /// <summary>Everything wrong with <paramref name="metadata"/> for an object of <paramref name="kind"/>.</summary>
    public static List<FieldError> ValidateMetadata(KindInfo kind, V1ObjectMeta? metadata)
    {
        var errors = new List<FieldError>();
        if (metadata is null)
        {
            errors.Add(FieldError.Required("metadata"));
            return errors;
        }

        if (string.IsNullOrEmpty(metadata.Name))
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        }
        else
        {
            var problems = kind == KindRegistry.Namespace
                ? NameRules.CheckDns1123Label(metadata.Name)
                : NameRules.CheckDns1123Subdomain(metadata.Name);
            errors.AddRange(problems.Select(p => FieldError.Invalid("metadata.name", metadata.Name, p)));
        }

        foreach (var (key, value) in metadata.Labels ?? new Dictionary<string, string>())
        {
            errors.AddRange(NameRules.CheckQualifiedName(key).Select(p => FieldError.Invalid("metadata.labels", key, p)));
            errors.AddRange(NameRules.CheckLabelValue(value).Select(p => FieldError.Invalid("metadata.labels", value, p)));
        }

        foreach (var key in metadata.Annotations?.Keys ?? [])
        {
            errors.AddRange(NameRules.CheckQualifiedName(key.ToLowerInvariant())
                .Select(p => FieldError.Invalid("metadata.annotations", key, p)));
        }

        return errors;
    }

    /// <summary>The rules of a pod spec, at <paramref name="at"/> (<c>spec</c>, or <c>spec.template.spec</c> in a workload).</summary>
    public static List<FieldError> ValidatePodSpec(V1PodSpec? spec, string at = "spec")
    {
        var errors = new List<FieldError>();
        if (spec is null)
        {
            errors.Add(FieldError.Required(at));
            return errors;
        }

        if (spec.Containers is not { Count: > 0 })
        {
            errors.Add(FieldError.Required($"{at}.containers"));
        }

        var names = new HashSet<string>();
        for (var i = 0; i < (spec.Containers?.Count ?? 0); i++)
        {
            var container = spec.Containers![i];
            var path = $"{at}.containers[{i}]";
            if (string.IsNullOrEmpty(container.Name))
            {
                errors.Add(FieldError.Required($"{path}.name"));
            }
            else
            {
                errors.AddRange(NameRules.CheckDns1123Label(container.Name)
                    .Select(p => FieldError.Invalid($"{path}.name", container.Name, p)));
                if (!names.Add(container.Name))
                {
                    errors.Add(FieldError.Duplicate($"{path}.name", container.Name));
                }
            }

            if (string.IsNullOrWhiteSpace(container.Image))
            {
                errors.Add(FieldError.Required($"{path}.image"));
            }

            if (container.ImagePullPolicy is { } pull && !PullPolicies.Contains(pull))
            {
                errors.Add(FieldError.NotSupported($"{path}.imagePullPolicy", pull, PullPolicies));
            }
        }

        if (spec.RestartPolicy is { } restart && !RestartPolicies.Contains(restart))
        {
            errors.Add(FieldError.NotSupported($"{at}.restartPolicy", restart, RestartPolicies));
        }

        if (spec.NodeName is { Length: > 0 } nodeName)
        {
            errors.AddRange(NameRules.CheckDns1123Subdomain(nodeName).Select(p => FieldError.Invalid($"{at}.nodeName", nodeName, p)));
        }

        return errors;
    }
}
