using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Validation;

namespace KubePS.Engine.Admission;

/// <summary>The validation step of admission: shared metadata rules plus each kind's own.</summary>
public static class Validation
{
    public static List<FieldError> Validate(KindInfo kind, IKubernetesObject<V1ObjectMeta> obj)
    {
        var errors = ObjectValidator.ValidateMetadata(kind, obj.Metadata);
        switch (obj)
        {
            case V1Pod pod:
                errors.AddRange(ObjectValidator.ValidatePodSpec(pod.Spec));
                break;
            case Corev1Event ev when ev.InvolvedObject is null:
                errors.Add(FieldError.Required("involvedObject"));
                break;
        }

        errors.AddRange(WorkloadValidator.Validate(obj));
        errors.AddRange(ResourceValidator.Validate(obj));
        return errors;
    }
}
