using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Core.Selectors;
using KubePS.Engine.Api;
using KubePS.Engine.Controllers.Framework;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers;

/// <summary>
/// Finishes namespace deletion: deletes everything in a Terminating namespace (pods gracefully,
/// through their nodes) and removes the namespace once it is empty, looking again every second
/// while something in it is still going.
/// </summary>
public sealed class NamespaceController : Controller
{
    private static readonly TimeSpan EmptyingInterval = TimeSpan.FromSeconds(1);
    private readonly ObjectService _objects;
    private readonly ILogger<NamespaceController> _logger;
    private readonly Informer<V1Namespace> _namespaces;

    public NamespaceController(ObjectService objects, SharedInformers informers, TimeProvider clock, ILogger<NamespaceController> logger)
        : base(clock, logger, workers: 2)
    {
        _objects = objects;
        _logger = logger;
        _namespaces = informers.For<V1Namespace>(KindRegistry.Namespace);
        _namespaces.AddHandler((_, ns) =>
        {
            if (ns is { Metadata.DeletionTimestamp: not null })
            {
                Queue.Add(ns.Metadata.Name);
            }
        });
    }

    protected override IEnumerable<IInformer> Informers => [_namespaces];

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_namespaces.Get(key) is not { Metadata.DeletionTimestamp: not null })
        {
            return null;
        }

        var remaining = 0;
        foreach (var kind in KindRegistry.All.Where(k => k.Namespaced))
        {
            var items = await _objects.ListAsync(kind, key, LabelSelector.Everything, FieldSelector.Everything, cancellationToken);
            remaining += items.Items.Count;
            foreach (var item in items.Items.Where(i => i["metadata"]?["deletionTimestamp"] is null))
            {
                await ConcurrentWrites.TolerateRaceAsync(() => _objects.DeleteAsync(kind, key, KubeJson.NameOf(item), options: null, dryRun: false, cancellationToken));
            }
        }

        if (remaining > 0)
        {
            return EmptyingInterval;
        }

        _logger.LogInformation("Namespace {Namespace} is empty; removing it", key);
        await ConcurrentWrites.TolerateRaceAsync(() => _objects.RemoveAsync(KindRegistry.Namespace, null, key, expected: null, cancellationToken));
        return null;
    }
}
