using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Admission;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Keeps each ResourceQuota's status: <c>hard</c> as its spec says, <c>used</c> counted from the
/// namespace's objects as admission counts them. A change to a pod, Service, claim, ConfigMap or
/// Secret recounts its namespace's quotas at once; other kinds (count/&lt;resource&gt;) are recounted
/// every 30 seconds.
/// </summary>
public sealed class ResourceQuotaController : Controller
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);
    private readonly ObjectService _objects;
    private readonly IObjectStore _store;
    private readonly Informer<V1ResourceQuota> _quotas;
    private readonly IInformer[] _counted;

    public ResourceQuotaController(ObjectService objects, IObjectStore store, SharedInformers informers, TimeProvider clock, ILogger<ResourceQuotaController> logger)
        : base(clock, logger, workers: 1)
    {
        _objects = objects;
        _store = store;
        _quotas = informers.For<V1ResourceQuota>(KindRegistry.ResourceQuota);
        _quotas.AddHandler(EnqueueItself<V1ResourceQuota>());
        _counted =
        [
            Recounting(informers.For<V1Pod>(KindRegistry.Pod)),
            Recounting(informers.For<V1Service>(KindRegistry.Service)),
            Recounting(informers.For<V1PersistentVolumeClaim>(KindRegistry.PersistentVolumeClaim)),
            Recounting(informers.For<V1ConfigMap>(KindRegistry.ConfigMap)),
            Recounting(informers.For<V1Secret>(KindRegistry.Secret)),
        ];
    }

    protected override IEnumerable<IInformer> Informers => [_quotas, .. _counted];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_quotas.Get(key) is not { Spec.Hard: { Count: > 0 } hard } quota)
        {
            return null;
        }

        var used = await ResourceQuotaAdmission.UsedAsync(quota, hard.Keys.ToList(), quota.Metadata.NamespaceProperty, _store, cancellationToken);
        var status = new V1ResourceQuotaStatus
        {
            Hard = new Dictionary<string, ResourceQuantity>(hard),
            Used = hard.ToDictionary(h => h.Key, h => new ResourceQuantity(ResourceQuotaAdmission.Format(used.GetValueOrDefault(h.Key), h.Value))),
        };
        if (!SameAmounts(quota.Status?.Hard, status.Hard) || !SameAmounts(quota.Status?.Used, status.Used))
        {
            await _objects.UpdateStatusAsync(_quotas, quota, status, cancellationToken);
        }

        return Resync;
    }

    private Informer<T> Recounting<T>(Informer<T> informer)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        informer.AddHandler(EnqueueKeys<T>((old, current) => _quotas.InNamespace((current ?? old)!.Metadata.NamespaceProperty ?? "")
            .Select(q => Informer<V1ResourceQuota>.KeyOf(q.Metadata))));
        return informer;
    }

    private static bool SameAmounts(IDictionary<string, ResourceQuantity>? a, IDictionary<string, ResourceQuantity> b) =>
        a is not null && a.Count == b.Count && b.All(e => a.TryGetValue(e.Key, out var q) && q.ToString() == e.Value.ToString());
}
