using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>Controller owner references: who controls an object, and making one.</summary>
public static class Ownership
{
    public static V1OwnerReference? ControllerOf(V1ObjectMeta meta) => meta.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    public static V1OwnerReference ControllerReference(KindInfo kind, V1ObjectMeta owner) => new()
    {
        ApiVersion = kind.ApiVersion,
        Kind = kind.Kind,
        Name = owner.Name,
        Uid = owner.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The cache key of the object's controller when it is of <paramref name="kind"/>.</summary>
    public static string? ControllerKey(KindInfo kind, V1ObjectMeta meta) =>
        ControllerOf(meta) is { } owner && owner.Kind == kind.Kind && owner.ApiVersion == kind.ApiVersion
            ? kind.Namespaced ? $"{meta.NamespaceProperty}/{owner.Name}" : owner.Name
            : null;
}

/// <summary>
/// Kubernetes' controller-ref manager: an owner claims the children its selector matches. Children
/// it controls that stop matching are released; orphans that match are adopted, unless the owner
/// or the orphan is being deleted. Children controlled by another owner are never touched.
/// </summary>
public sealed class ChildClaimer<T>(KindInfo ownerKind, ObjectService objects, Informer<T> children)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public async Task<List<T>> ClaimAsync(V1ObjectMeta owner, LabelSelector selector, CancellationToken cancellationToken)
    {
        var claimed = new List<T>();
        foreach (var child in children.InNamespace(owner.NamespaceProperty ?? ""))
        {
            var controller = Ownership.ControllerOf(child.Metadata);
            var matches = !selector.IsEmpty && selector.Matches(child.Metadata.Labels);
            if (controller is not null)
            {
                if (controller.Uid != owner.Uid)
                {
                    continue;
                }

                if (matches)
                {
                    claimed.Add(child);
                }
                else
                {
                    await WriteOwnersAsync(child, (child.Metadata.OwnerReferences ?? []).Where(r => r.Uid != owner.Uid).ToList(), cancellationToken);
                }
            }
            else if (matches && owner.DeletionTimestamp is null && child.Metadata.DeletionTimestamp is null)
            {
                var references = (child.Metadata.OwnerReferences ?? []).Append(Ownership.ControllerReference(ownerKind, owner)).ToList();
                claimed.Add(await WriteOwnersAsync(child, references, cancellationToken));
            }
        }

        return claimed;
    }

    private async Task<T> WriteOwnersAsync(T child, List<V1OwnerReference> references, CancellationToken cancellationToken)
    {
        var copy = Informer<T>.Copy(child);
        copy.Metadata.OwnerReferences = references.Count == 0 ? null : references;
        return await objects.UpdateAsync(children, copy, cancellationToken);
    }
}
