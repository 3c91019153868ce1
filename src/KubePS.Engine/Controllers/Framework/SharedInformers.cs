using k8s;
using k8s.Models;
using KubePS.Core.Kinds;
using KubePS.Engine.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// One informer per kind for all the engine's controllers, so a pod is cached and decoded once
/// however many controllers look at pods. Informers asked for before the engine starts run from its
/// start; one asked for later starts at once.
/// </summary>
public sealed class SharedInformers(IObjectStore store, ILoggerFactory loggers) : BackgroundService
{
    private readonly object _gate = new();
    private readonly Dictionary<KindInfo, IInformer> _informers = [];
    private readonly List<Task> _running = [];
    private CancellationToken? _stopping;

    public Informer<T> For<T>(KindInfo kind)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            if (_informers.TryGetValue(kind, out var existing))
            {
                return (Informer<T>)existing;
            }

            var informer = new Informer<T>(kind, store, loggers.CreateLogger($"{typeof(Informer<>).Namespace}.Informer.{kind.Kind}"));
            _informers[kind] = informer;
            if (_stopping is { } token)
            {
                _running.Add(Task.Run(() => informer.RunAsync(token), token));
            }

            return informer;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _stopping = stoppingToken;
            foreach (var informer in _informers.Values)
            {
                _running.Add(Task.Run(() => informer.RunAsync(stoppingToken), stoppingToken));
            }
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
