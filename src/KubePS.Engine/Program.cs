using KubePS.Engine;

var options = new EngineOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--data-path":
            options.DataPath = value;
            break;
        case "--port":
            options.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--bind-address":
            options.BindAddress = value;
            break;
        case "--service-cluster-ip-range":
            options.ServiceClusterIpRange = value;
            break;
        case "--service-node-port-range":
            options.ServiceNodePortRange = value;
            break;
        case "--node-monitor-grace-period":
            options.NodeMonitorGracePeriod = TimeSpan.FromSeconds(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            break;
        case "--default-toleration-seconds":
            options.DefaultTolerationSeconds = TimeSpan.FromSeconds(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"kubeps-engine: unknown option {args[i]}");
            Console.Error.WriteLine("usage: KubePS.Engine --data-path <folder> [--port 6443] [--bind-address 127.0.0.1] "
                + "[--service-cluster-ip-range 10.96.0.0/12] [--service-node-port-range 30000-32767] [--node-monitor-grace-period 20] [--default-toleration-seconds 10]");
            return 2;
    }
}

if (options.DataPath.Length == 0)
{
    Console.Error.WriteLine("kubeps-engine: --data-path is required");
    return 2;
}

try
{
    await using var app = EngineHost.Build(options);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"kubeps-engine: {e.Message}");
    return 1;
}
catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"kubeps-engine: cannot listen on {options.BindAddress}:{options.Port}: {e.Message}");
    return 1;
}
