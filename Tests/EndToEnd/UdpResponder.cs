using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubePS.EndToEnd.Tests;

/// <summary>Answers every datagram with its own name, for telling which endpoint a UDP Service reached.</summary>
public sealed class UdpResponder : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _answer;
    private readonly Task _answering;

    private UdpResponder(IPAddress address, string name)
    {
        _answer = Encoding.UTF8.GetBytes(name);
        _socket.Bind(new IPEndPoint(address, 0));
        _answering = AnswerAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static UdpResponder Start(IPAddress address, string name) => new(address, name);

    /// <summary>Sends a datagram every 100 ms until one is answered with <paramref name="expected"/>.</summary>
    public static async Task<bool> KeepAskingAsync(UdpClient client, IPEndPoint target, string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                await client.SendAsync("ping"u8.ToArray(), target);
                while (true)
                {
                    var answer = await client.ReceiveAsync(wait.Token);
                    if (Encoding.UTF8.GetString(answer.Buffer) == expected)
                    {
                        return true;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                // Refused while the rules catch up: the REJECT rule of a port without endpoints fails the
                // send itself (EPERM), an ICMP port unreachable fails the next receive.
                await Task.Delay(100);
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _answering.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AnswerAsync()
    {
        var buffer = new byte[1500];
        while (true)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
                await _socket.SendToAsync(_answer, SocketFlags.None, received.RemoteEndPoint);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode != SocketError.OperationAborted)
            {
            }
            catch (SocketException)
            {
                return;
            }
        }
    }
}
