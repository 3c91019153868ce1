namespace KubePS.NodeService;

/// <summary>
/// An exclusive lock on the node's data folder, so two node services never manage the same
/// node's containers. The owner's pid is written to node.pid beside it.
/// </summary>
public sealed class NodeLock : IDisposable
{
    private readonly FileStream _stream;

    private NodeLock(FileStream stream) => _stream = stream;

    public static NodeLock Acquire(string folder, string nodeName)
    {
        Directory.CreateDirectory(folder);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(folder, "node.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var pid = Path.Combine(folder, "node.pid");
            var owner = File.Exists(pid) ? $" (process {File.ReadAllText(pid).Trim()})" : "";
            throw new InvalidOperationException($"another node service{owner} is running node {nodeName} from {folder}");
        }

        File.WriteAllText(Path.Combine(folder, "node.pid"), Environment.ProcessId.ToString());
        return new NodeLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
