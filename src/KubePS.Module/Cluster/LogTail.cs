namespace KubePS.Module.Cluster;

/// <summary>The last lines of a component's log, to say why it did not start.</summary>
public static class LogTail
{
    public static string Read(string path, int lines = 20)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
