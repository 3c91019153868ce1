using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;

namespace KubePS.NodeService.Pods;

/// <summary>
/// The ConfigMaps and Secrets of one namespace that a pod's environment and volumes read, each read
/// once per pod sync. A missing one is <see cref="ContainerConfigException"/> unless optional (then null).
/// </summary>
public sealed class ObjectSources(IKubernetes api, string ns)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, byte[]>?> _read = [];

    /// <summary>The ConfigMap's data and binaryData, as bytes.</summary>
    public Task<IReadOnlyDictionary<string, byte[]>?> ConfigMapAsync(string name, bool optional, CancellationToken cancellationToken) =>
        ReadAsync("configmap", name, optional, async () =>
        {
            var map = await api.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: cancellationToken);
            var data = (map.Data ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value));
            foreach (var (key, value) in map.BinaryData ?? new Dictionary<string, byte[]>())
            {
                data[key] = value;
            }

            return data;
        });

    public Task<IReadOnlyDictionary<string, byte[]>?> SecretAsync(string name, bool optional, CancellationToken cancellationToken) =>
        ReadAsync("secret", name, optional, async () =>
        {
            var secret = await api.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
            var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>());
            foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
            {
                data[key] = Encoding.UTF8.GetBytes(value);
            }

            return data;
        });

    private async Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(
        string kind, string name, bool optional, Func<Task<Dictionary<string, byte[]>>> read)
    {
        var key = kind + "/" + name;
        if (!_read.TryGetValue(key, out var known))
        {
            try
            {
                known = await read();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                known = null;
            }

            _read[key] = known;
        }

        return known ?? (optional ? null : throw new ContainerConfigException($"{kind} \"{name}\" not found"));
    }
}
