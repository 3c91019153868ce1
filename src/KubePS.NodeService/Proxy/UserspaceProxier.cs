using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Proxy;

/// <summary>
/// Routes Services in process, as kube-proxy's old userspace mode (and the Windows path): a TCP
/// listener or UDP relay on each cluster IP and port and each NodePort, round-robin over the ready
/// endpoints (sticky per client with ClientIP affinity). A port without endpoints has no listener,
/// so a connection to it is refused at once. Cluster IPs are bindable because the service range is
/// routed to this machine.
/// </summary>
public sealed class UserspaceProxier(ILogger logger) : IProxier
{
    private readonly Dictionary<string, PortProxy> _proxies = [];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task SyncAsync(IReadOnlyList<ServicePortRoute> routes, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, (IPEndPoint Listen, ServicePortRoute Route, IReadOnlyList<ProxyEndpoint> Endpoints)>();
        foreach (var route in routes)
        {
            if (route.ClusterEndpoints.Count > 0)
            {
                var listen = new IPEndPoint(route.ClusterIp, route.Port);
                wanted[$"{route.Protocol}/{listen}"] = (listen, route, route.ClusterEndpoints);
            }

            if (route.NodePort is { } nodePort && route.ExternalEndpoints.Count > 0)
            {
                var listen = new IPEndPoint(IPAddress.Any, nodePort);
                wanted[$"{route.Protocol}/{listen}"] = (listen, route, route.ExternalEndpoints);
            }
        }

        foreach (var key in _proxies.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
        {
            await _proxies[key].DisposeAsync();
            _proxies.Remove(key);
        }

        foreach (var (key, (listen, route, endpoints)) in wanted)
        {
            if (!_proxies.TryGetValue(key, out var proxy))
            {
                try
                {
                    proxy = route.Protocol == "UDP" ? new UdpPortProxy(listen, logger) : new TcpPortProxy(listen, logger);
                }
                catch (SocketException e)
                {
                    logger.LogWarning("Cannot proxy {Service} on {Address}: {Message}", route.Name, listen, e.Message);
                    continue;
                }

                _proxies[key] = proxy;
            }

            proxy.Update(endpoints, route.AffinitySeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies.Values)
        {
            await proxy.DisposeAsync();
        }

        _proxies.Clear();
    }

    /// <summary>The endpoints of one proxied port and the choice among them.</summary>
    private sealed class Backends
    {
        private readonly ConcurrentDictionary<IPAddress, (ProxyEndpoint Endpoint, long At)> _sticky = new();
        private volatile ProxyEndpoint[] _endpoints = [];
        private int? _affinitySeconds;
        private int _next;

        public int Count => _endpoints.Length;

        public void Update(IReadOnlyList<ProxyEndpoint> endpoints, int? affinitySeconds)
        {
            _endpoints = [.. endpoints];
            _affinitySeconds = affinitySeconds;
            foreach (var (client, choice) in _sticky)
            {
                if (!endpoints.Contains(choice.Endpoint))
                {
                    _sticky.TryRemove(client, out _);
                }
            }
        }

        public ProxyEndpoint? Pick(IPAddress client, int attempt)
        {
            var endpoints = _endpoints;
            if (endpoints.Length == 0)
            {
                return null;
            }

            var now = Environment.TickCount64;
            if (attempt == 0 && _affinitySeconds is { } seconds && _sticky.TryGetValue(client, out var held)
                && now - held.At < seconds * 1000L && endpoints.Contains(held.Endpoint))
            {
                _sticky[client] = (held.Endpoint, now);
                return held.Endpoint;
            }

            var chosen = endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)];
            if (_affinitySeconds is not null)
            {
                _sticky[client] = (chosen, now);
            }

            return chosen;
        }
    }

    private abstract class PortProxy : IAsyncDisposable
    {
        protected readonly CancellationTokenSource Stopping = new();

        public Backends Backends { get; } = new();

        public virtual void Update(IReadOnlyList<ProxyEndpoint> endpoints, int? affinitySeconds) => Backends.Update(endpoints, affinitySeconds);

        public abstract ValueTask DisposeAsync();
    }

    private sealed class TcpPortProxy : PortProxy
    {
        private readonly Socket _listener;
        private readonly ILogger _logger;
        private readonly Task _accepting;

        public TcpPortProxy(IPEndPoint listen, ILogger logger)
        {
            _logger = logger;
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(listen);
            _listener.Listen(1024);
            _accepting = AcceptAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            Stopping.Cancel();
            _listener.Dispose();
            await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task AcceptAsync()
        {
            while (!Stopping.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(Stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(Socket client)
        {
            using (client)
            {
                client.NoDelay = true;
                var address = ((IPEndPoint)client.RemoteEndPoint!).Address;
                using var backend = await ConnectAsync(address);
                if (backend is null)
                {
                    return;
                }

                await Task.WhenAll(PumpAsync(client, backend), PumpAsync(backend, client));
            }
        }

        // Tries the endpoints in turn, so one that went away since the last sync does not fail the connection.
        private async Task<Socket?> ConnectAsync(IPAddress client)
        {
            for (var attempt = 0; attempt < Math.Max(1, Backends.Count); attempt++)
            {
                if (Backends.Pick(client, attempt) is not { } endpoint)
                {
                    return null;
                }

                var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(3));
                    await backend.ConnectAsync(endpoint.EndPoint, timeout.Token);
                    return backend;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    _logger.LogDebug("Endpoint {Endpoint} refused: {Message}", endpoint.EndPoint, e.Message);
                    backend.Dispose();
                }
            }

            return null;
        }

        private static async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                try
                {
                    // Half-close: the other side sees the end of this direction and may still answer.
                    to.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            }
        }
    }

    private sealed class UdpPortProxy : PortProxy
    {
        private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
        private readonly Socket _socket;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<IPEndPoint, (Socket Backend, long LastUsed)> _sessions = new();
        private readonly Task _receiving;

        public UdpPortProxy(IPEndPoint listen, ILogger logger)
        {
            _logger = logger;
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _socket.Bind(listen);
            _receiving = ReceiveAsync();
        }

        // A client's datagrams keep following its session, so a session with an endpoint that is gone ends
        // here and the client's next datagram picks a current one.
        public override void Update(IReadOnlyList<ProxyEndpoint> endpoints, int? affinitySeconds)
        {
            base.Update(endpoints, affinitySeconds);
            var current = endpoints.Select(e => e.EndPoint).ToHashSet();
            foreach (var (client, session) in _sessions)
            {
                if (session.Backend.RemoteEndPoint is IPEndPoint backend && !current.Contains(backend))
                {
                    Drop(client);
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            Stopping.Cancel();
            _socket.Dispose();
            foreach (var session in _sessions.Values)
            {
                session.Backend.Dispose();
            }

            await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            while (!Stopping.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, Stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                var client = (IPEndPoint)received.RemoteEndPoint;
                try
                {
                    var backend = SessionFor(client);
                    if (backend is not null)
                    {
                        await backend.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    _logger.LogDebug("UDP relay for {Client} failed: {Message}", client, e.Message);
                    Drop(client);
                }
            }
        }

        private Socket? SessionFor(IPEndPoint client)
        {
            if (_sessions.TryGetValue(client, out var session))
            {
                _sessions[client] = (session.Backend, Environment.TickCount64);
                return session.Backend;
            }

            if (Backends.Pick(client.Address, 0) is not { } endpoint)
            {
                return null;
            }

            var backend = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            backend.Connect(endpoint.EndPoint);
            _sessions[client] = (backend, Environment.TickCount64);
            _ = AnswerAsync(client, backend);
            return backend;
        }

        // Relays the endpoint's replies to the client until the session has been idle too long.
        private async Task AnswerAsync(IPEndPoint client, Socket backend)
        {
            var buffer = new byte[64 * 1024];
            while (!Stopping.IsCancellationRequested)
            {
                try
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(Stopping.Token);
                    idle.CancelAfter(IdleTimeout);
                    var read = await backend.ReceiveAsync(buffer, SocketFlags.None, idle.Token);
                    await _socket.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, client);
                }
                catch (OperationCanceledException) when (!Stopping.IsCancellationRequested
                    && _sessions.TryGetValue(client, out var session) && Environment.TickCount64 - session.LastUsed < IdleTimeout.TotalMilliseconds)
                {
                    // Quiet, but the client spoke recently: keep listening.
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }
            }

            Drop(client);
        }

        private void Drop(IPEndPoint client)
        {
            if (_sessions.TryRemove(client, out var session))
            {
                session.Backend.Dispose();
            }
        }
    }
}
