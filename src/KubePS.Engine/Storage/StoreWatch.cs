using System.Threading.Channels;

namespace KubePS.Engine.Storage;

/// <summary>A running watch: events in commit order until disposed.</summary>
public sealed class StoreWatch : IDisposable
{
    private readonly Channel<StoreEvent> _channel = Channel.CreateUnbounded<StoreEvent>();
    private readonly Action<StoreWatch> _unsubscribe;

    internal StoreWatch(string kindKey, string? ns, Action<StoreWatch> unsubscribe)
    {
        KindKey = kindKey;
        Namespace = ns;
        _unsubscribe = unsubscribe;
    }

    public string KindKey { get; }

    public string? Namespace { get; }

    public ChannelReader<StoreEvent> Events => _channel.Reader;

    internal bool Wants(StoreEvent e) => e.KindKey == KindKey && (Namespace is null || Namespace == e.Namespace);

    internal void Deliver(StoreEvent e) => _channel.Writer.TryWrite(e);

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
