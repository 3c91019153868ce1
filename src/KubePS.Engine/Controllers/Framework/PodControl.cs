using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// Creating and deleting the pods of a workload: from its template, owned by it, recorded as Events
/// on it as Kubernetes records them, and assumed into the pod cache so the next reconcile counts them.
/// </summary>
public sealed class PodControl(ObjectService objects, SharedInformers informers, EventRecorder events)
{
    private const string Component = "controllermanager";

    public Informer<V1Pod> Pods { get; } = informers.For<V1Pod>(KindRegistry.Pod);

    /// <summary>Creates a pod from <paramref name="template"/>; <paramref name="customise"/> sets what the workload adds (a name, labels, a node).</summary>
    public async Task<V1Pod> CreateAsync(
        KindInfo ownerKind, V1ObjectMeta owner, V1PodTemplateSpec template, Action<V1Pod>? customise, CancellationToken cancellationToken)
    {
        var copy = KubeJson.Clone(template);
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = owner.Name + "-",
                NamespaceProperty = owner.NamespaceProperty,
                Labels = copy.Metadata?.Labels,
                Annotations = copy.Metadata?.Annotations,
                Finalizers = copy.Metadata?.Finalizers,
                OwnerReferences = [Ownership.ControllerReference(ownerKind, owner)],
            },
            Spec = copy.Spec,
        };
        customise?.Invoke(pod);
        var about = ObjectReference.Of(ownerKind, owner);
        try
        {
            var created = await objects.CreateAsync(Pods, pod, cancellationToken);
            await events.RecordAsync(about, "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}", Component, cancellationToken);
            return created;
        }
        catch (ApiException e) when (e.Code != 409)
        {
            await events.RecordAsync(about, "Warning", "FailedCreate", $"Error creating: {e.Message}", Component, cancellationToken);
            throw;
        }
    }

    /// <summary>Deletes a pod gracefully, or at once with <paramref name="force"/> (a pod whose node is gone has nobody to stop it).</summary>
    public async Task DeleteAsync(KindInfo ownerKind, V1ObjectMeta owner, V1Pod pod, CancellationToken cancellationToken, bool force = false)
    {
        DeleteOutcome outcome;
        try
        {
            var options = force ? new V1DeleteOptions { GracePeriodSeconds = 0 } : null;
            outcome = await objects.DeleteAsync(KindRegistry.Pod, pod.Metadata.NamespaceProperty, pod.Metadata.Name, options, dryRun: false, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return;
        }

        var last = KubeJson.ToTyped<V1Pod>(outcome.Object);
        if (outcome.Removed)
        {
            Pods.AssumeDeleted(last);
        }
        else
        {
            Pods.Assume(last);
        }

        await events.RecordAsync(ObjectReference.Of(ownerKind, owner), "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}", Component, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="count"/> creations in batches of 1, 2, 4, ... as Kubernetes' slow start
    /// does, so a template that cannot work fails once instead of hundreds of times. Returns how many succeeded.
    /// </summary>
    public static async Task<int> SlowStartAsync(int count, Func<int, Task> create)
    {
        var done = 0;
        for (var batch = 1; done < count; batch *= 2)
        {
            var size = Math.Min(batch, count - done);
            var start = done;
            var results = await Task.WhenAll(Enumerable.Range(start, size).Select(async i =>
            {
                try
                {
                    await create(i);
                    return (Exception?)null;
                }
                catch (Exception e)
                {
                    return e;
                }
            }));
            done += results.Count(r => r is null);
            if (results.FirstOrDefault(r => r is not null) is { } failure)
            {
                throw new PodCreationException(done, failure);
            }
        }

        return done;
    }
}

/// <summary>A batch of pod creations stopped at a failure after <see cref="Created"/> succeeded.</summary>
public sealed class PodCreationException(int created, Exception inner) : Exception(inner.Message, inner)
{
    public int Created { get; } = created;
}
