namespace KubePS.Module.Cluster;

/// <summary>Where a local cluster's programs and files are: the module folder and the data folder.</summary>
public sealed record ClusterLayout(string ModuleFolder, string DataPath)
{
    public const string EngineDllName = "KubePS.Engine.dll";
    public const string NodeDllName = "KubePS.NodeService.dll";

    public static string DefaultModuleFolder => Path.GetDirectoryName(typeof(ClusterLayout).Assembly.Location)!;

    public string EngineDll => Path.Combine(ModuleFolder, "engine", EngineDllName);

    public string NodeDll => Path.Combine(ModuleFolder, "node", NodeDllName);

    public string KubeConfig => Path.Combine(DataPath, "kubeconfig");

    public string Logs => Path.Combine(DataPath, "logs");

    public string EngineLog => Path.Combine(Logs, "engine.log");

    public string EnginePidFile => Path.Combine(DataPath, "engine", "engine.pid");

    public string StateFile => Path.Combine(DataPath, "cluster.json");

    public string NodeFolder(string node) => Path.Combine(DataPath, "nodes", node);

    public string NodePidFile(string node) => Path.Combine(NodeFolder(node), "node.pid");

    public string NodeLog(string node) => Path.Combine(Logs, $"node-{node}.log");
}
