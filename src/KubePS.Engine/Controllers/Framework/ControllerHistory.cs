using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// The pod templates of a StatefulSet or DaemonSet kept as ControllerRevisions, named
/// <c>&lt;owner&gt;-&lt;template hash&gt;</c> and numbered, as <c>kubectl rollout history</c> and
/// <c>undo</c> read them: the data is the patch that puts the template back.
/// </summary>
public sealed class ControllerHistory(KindInfo ownerKind, ObjectService objects, SharedInformers informers)
{
    public const string RevisionLabel = "controller-revision-hash";

    private readonly Informer<V1ControllerRevision> _revisions = informers.For<V1ControllerRevision>(KindRegistry.ControllerRevision);

    public IInformer Informer => _revisions;

    public V1ControllerRevision? Find(V1ObjectMeta owner, string name) => Owned(owner).FirstOrDefault(r => r.Metadata.Name == name);

    /// <summary>The revision of <paramref name="template"/>, made (as the newest) if it is new.</summary>
    public async Task<V1ControllerRevision> EnsureAsync(V1ObjectMeta owner, V1LabelSelector selector, V1PodTemplateSpec template, int? collisionCount, CancellationToken cancellationToken)
    {
        var name = $"{owner.Name}-{PodTemplateHash.Compute(template, collisionCount)}";
        var owned = Owned(owner);
        var newest = owned.Select(r => r.Revision ?? 0).DefaultIfEmpty(0).Max();
        if (owned.FirstOrDefault(r => r.Metadata.Name == name) is { } existing)
        {
            return existing.Revision == newest ? existing : await RenumberAsync(existing, newest + 1, cancellationToken);
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = KubeJson.ToNode(template) } };
        patch["spec"]!["template"]!["$patch"] = "replace";
        var revision = new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = owner.NamespaceProperty,
                Labels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [RevisionLabel] = name },
                OwnerReferences = [Ownership.ControllerReference(ownerKind, owner)],
            },
            Data = JsonSerializer.SerializeToElement(patch),
            Revision = newest + 1,
        };
        return await objects.CreateAsync(_revisions, revision, cancellationToken);
    }

    // A template rolled back to becomes the newest revision again, as in Kubernetes.
    private async Task<V1ControllerRevision> RenumberAsync(V1ControllerRevision revision, long number, CancellationToken cancellationToken)
    {
        var copy = KubeJson.Clone(revision);
        copy.Revision = number;
        return await objects.UpdateAsync(_revisions, copy, cancellationToken);
    }

    public static V1PodTemplateSpec TemplateOf(V1ControllerRevision revision)
    {
        var template = JsonNode.Parse(((JsonElement)revision.Data).GetRawText())!["spec"]!["template"]!.AsObject();
        template.Remove("$patch");
        return KubeJson.ToTyped<V1PodTemplateSpec>(template);
    }

    /// <summary>Deletes the oldest revisions no pod uses beyond <paramref name="limit"/>.</summary>
    public async Task PruneAsync(V1ObjectMeta owner, IEnumerable<string?> inUse, int limit, CancellationToken cancellationToken)
    {
        var used = inUse.ToHashSet();
        var unused = Owned(owner).Where(r => !used.Contains(r.Metadata.Name)).OrderBy(r => r.Revision).ToList();
        foreach (var revision in unused.Take(Math.Max(0, unused.Count - limit)))
        {
            await ConcurrentWrites.TolerateRaceAsync(() => objects.DeleteAsync(
                KindRegistry.ControllerRevision, revision.Metadata.NamespaceProperty, revision.Metadata.Name, null, false, cancellationToken));
        }
    }

    public static string? RevisionOf(V1Pod pod) => pod.Metadata.Labels is { } l && l.TryGetValue(RevisionLabel, out var r) ? r : null;

    private List<V1ControllerRevision> Owned(V1ObjectMeta owner) => _revisions.ControlledBy(owner.Uid);
}
