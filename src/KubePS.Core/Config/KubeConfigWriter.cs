using System.Text;

namespace KubePS.Core.Config;

/// <summary>Writes a kubeconfig that kubectl, KubernetesClient and Connect-KubeCluster read.</summary>
public static class KubeConfigWriter
{
    /// <summary>Renders one cluster, one token user and one context, selected as current.</summary>
    public static string Render(string contextName, string server, byte[] caCertificatePem, string token, string defaultNamespace = "default")
    {
        var ca = Convert.ToBase64String(caCertificatePem);
        var text = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:")
            .AppendLine($"- name: {contextName}")
            .AppendLine("  cluster:")
            .AppendLine($"    server: {server}")
            .AppendLine($"    certificate-authority-data: {ca}")
            .AppendLine("users:")
            .AppendLine($"- name: {contextName}-admin")
            .AppendLine("  user:")
            .AppendLine($"    token: {token}")
            .AppendLine("contexts:")
            .AppendLine($"- name: {contextName}")
            .AppendLine("  context:")
            .AppendLine($"    cluster: {contextName}")
            .AppendLine($"    user: {contextName}-admin")
            .AppendLine($"    namespace: {defaultNamespace}")
            .AppendLine($"current-context: {contextName}")
            .AppendLine("preferences: {}");
        return text.ToString();
    }

    /// <summary>Writes <paramref name="content"/> so that only the owner can read it (mode 0600 on Unix).</summary>
    public static void WritePrivateFile(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(content);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }
}
