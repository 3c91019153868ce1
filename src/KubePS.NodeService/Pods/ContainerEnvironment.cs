using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;

namespace KubePS.NodeService.Pods;

/// <summary>A container's configuration cannot be built yet (a missing ConfigMap or key): CreateContainerConfigError.</summary>
public sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>
/// A container's environment as the kubelet builds it: <c>envFrom</c> sources in order, then
/// <c>env</c> (values with <c>$(VAR)</c> references expanded, ConfigMap and Secret keys, the
/// downward API's fieldRef and resourceFieldRef); later names win. Command and args are expanded
/// against the result.
/// </summary>
public sealed class ContainerEnvironment(IKubernetes api)
{
    public async Task<ResolvedEnvironment> ResolveAsync(V1Pod pod, V1Container container, string? podIp, string hostIp, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var sources = new ObjectSources(api, ns);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
        }

        foreach (var from in container.EnvFrom ?? [])
        {
            var prefix = from.Prefix ?? "";
            var data = from.ConfigMapRef is { } cm ? await sources.ConfigMapAsync(cm.Name, cm.Optional == true, cancellationToken)
                : from.SecretRef is { } s ? await sources.SecretAsync(s.Name, s.Optional == true, cancellationToken)
                : null;
            foreach (var (key, value) in data ?? new Dictionary<string, byte[]>())
            {
                Set(prefix + key, Encoding.UTF8.GetString(value));
            }
        }

        foreach (var env in container.Env ?? [])
        {
            var value = env.ValueFrom switch
            {
                null => Expand(env.Value ?? "", values),
                { ConfigMapKeyRef: { } key } => Key(await sources.ConfigMapAsync(key.Name, key.Optional == true, cancellationToken), key.Key, key.Optional == true, $"ConfigMap {ns}/{key.Name}"),
                { SecretKeyRef: { } key } => Key(await sources.SecretAsync(key.Name, key.Optional == true, cancellationToken), key.Key, key.Optional == true, $"Secret {ns}/{key.Name}"),
                { FieldRef: { } field } => FieldValue(pod, field.FieldPath, podIp, hostIp),
                { ResourceFieldRef: { } resource } => ResourceValue(pod, container, resource),
                _ => null,
            };
            if (value is not null)
            {
                Set(env.Name, value);
            }
        }

        return new ResolvedEnvironment(
            order.Select(name => $"{name}={values[name]}").ToList(),
            container.Command is { Count: > 0 } command ? command.Select(c => Expand(c, values)).ToList() : null,
            container.Args is { Count: > 0 } args ? args.Select(a => Expand(a, values)).ToList() : null);
    }

    /// <summary>Kubernetes' <c>$(VAR)</c> expansion: a defined name is replaced, <c>$$</c> is a literal <c>$</c>, anything else stays as written.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> values)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
            }
            else if (text[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (text[i + 1] == '(' && text.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = text[(i + 2)..close];
                result.Append(values.TryGetValue(name, out var value) ? value : text[i..(close + 1)]);
                i = close;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    private static string? Key(IReadOnlyDictionary<string, byte[]>? data, string key, bool optional, string source) =>
        data?.TryGetValue(key, out var value) == true ? Encoding.UTF8.GetString(value)
        : optional || data is null ? null
        : throw new ContainerConfigException($"couldn't find key {key} in {source}");

    /// <summary>The downward API's fields, as <c>fieldRef.fieldPath</c> names them.</summary>
    public static string FieldValue(V1Pod pod, string path, string? podIp, string hostIp)
    {
        var meta = pod.Metadata;
        if (MapEntry(path, "metadata.labels") is { } label)
        {
            return meta.Labels?.TryGetValue(label, out var value) == true ? value : "";
        }

        if (MapEntry(path, "metadata.annotations") is { } annotation)
        {
            return meta.Annotations?.TryGetValue(annotation, out var value) == true ? value : "";
        }

        return path switch
        {
            "metadata.name" => meta.Name,
            "metadata.namespace" => meta.NamespaceProperty,
            "metadata.uid" => meta.Uid,
            "spec.nodeName" => pod.Spec.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "",
            "status.hostIP" or "status.hostIPs" => hostIp,
            "status.podIP" or "status.podIPs" => podIp ?? "",
            _ => throw new ContainerConfigException($"unsupported fieldPath: {path}"),
        };
    }

    private static string? MapEntry(string path, string map) =>
        path.StartsWith(map + "['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) ? path[(map.Length + 2)..^2] : null;

    // limits.cpu rounds up to whole divisor units, as the kubelet does; an unset limit reports the node's capacity.
    private static string ResourceValue(V1Pod pod, V1Container container, V1ResourceFieldSelector selector)
    {
        var target = selector.ContainerName is { Length: > 0 } name ? pod.Spec.Containers.FirstOrDefault(c => c.Name == name) ?? container : container;
        var parts = selector.Resource.Split('.', 2);
        var list = parts[0] == "limits" ? target.Resources?.Limits : target.Resources?.Requests;
        var resource = parts.Length == 2 ? parts[1] : selector.Resource;
        decimal amount = list?.TryGetValue(resource, out var quantity) == true ? quantity.ToDecimal()
            : resource == "cpu" ? Environment.ProcessorCount
            : resource == "memory" ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : 0;
        var divisor = selector.Divisor?.ToDecimal() is { } d && d > 0 ? d : 1;
        return Math.Ceiling(amount / divisor).ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The environment, command and args a container is created with.</summary>
public sealed record ResolvedEnvironment(IList<string> Environment, IList<string>? Command, IList<string>? Args);
