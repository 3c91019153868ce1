namespace KubePS.Engine.Storage;

/// <summary>
/// An exclusive lock on the engine's data folder: LiteDB has no cross-process lock on Linux, so a
/// second engine on the same folder would corrupt the file silently. The owner's pid is in engine.pid.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private DataFolderLock(FileStream stream) => _stream = stream;

    public static DataFolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "engine.lock");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = TryReadOwner(Path.Combine(folder, "engine.pid"));
            throw new InvalidOperationException(
                $"another KubePS engine{(owner is null ? "" : $" (process {owner})")} is using the data folder {folder}");
        }

        stream.SetLength(0);
        using (var writer = new StreamWriter(stream, leaveOpen: true))
        {
            writer.Write(Environment.ProcessId);
        }

        stream.Flush(true);

        // The lock file itself cannot be read while held, so the owner is also written beside it.
        File.WriteAllText(Path.Combine(folder, "engine.pid"), Environment.ProcessId.ToString());
        return new DataFolderLock(stream);
    }

    public void Dispose() => _stream.Dispose();

    private static string? TryReadOwner(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
