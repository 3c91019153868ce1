using System.Globalization;
using KubePS.NodeService;

var options = new NodeOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--kubeconfig":
            options.KubeConfigPath = value;
            break;
        case "--node-name":
            options.NodeName = value;
            break;
        case "--data-path":
            options.DataPath = value;
            break;
        case "--port":
            options.Port = int.Parse(value, CultureInfo.InvariantCulture);
            break;
        case "--bind-address":
            options.BindAddress = value;
            break;
        case "--docker-endpoint":
            options.DockerEndpoint = value;
            break;
        case "--sandbox-image":
            options.SandboxImage = value;
            break;
        case "--allow-privileged":
            options.AllowPrivileged = bool.Parse(value);
            break;
        case "--service-cluster-ip-range":
            options.ServiceClusterIpRange = value;
            break;
        case "--proxy-mode":
            options.ProxyMode = Enum.Parse<KubePS.NodeService.Proxy.ProxyMode>(value, ignoreCase: true);
            break;
        case "--dns-port":
            options.DnsPort = int.Parse(value, CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"kubeps-node: unknown option {args[i]}");
            Console.Error.WriteLine("usage: KubePS.NodeService --kubeconfig <file> --data-path <folder> [--node-name <name>] [--port 10250] "
                + "[--bind-address 127.0.0.1] [--docker-endpoint <uri>] [--sandbox-image <image>] [--allow-privileged false] "
                + "[--service-cluster-ip-range 10.96.0.0/12] [--proxy-mode iptables|userspace|none] [--dns-port 53]");
            return 2;
    }
}

if (options.KubeConfigPath.Length == 0 || options.DataPath.Length == 0)
{
    Console.Error.WriteLine("kubeps-node: --kubeconfig and --data-path are required");
    return 2;
}

try
{
    await using var app = NodeHost.Build(options);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"kubeps-node: {e.Message}");
    return 1;
}
