using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KubePS.Engine.Api;

/// <summary>
/// <c>fieldValidation</c>: a body that names fields the kind does not have is refused with 400
/// under Strict, as the API server's strict decoding does; under Warn (the default) it is accepted
/// and each unknown field becomes a warning; under Ignore nothing is said.
/// </summary>
public static class FieldValidation
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Type>> Properties = new();

    /// <summary>
    /// The warnings for the unknown fields of <paramref name="body"/> as a <paramref name="type"/>;
    /// under Strict, throws BadRequest listing them instead.
    /// </summary>
    public static IReadOnlyList<string> CheckKnownFields(string? mode, JsonNode? body, Type type)
    {
        if (mode is not (null or "Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", not \"{mode}\"");
        }

        if (mode == "Ignore" || body is null)
        {
            return [];
        }

        var unknown = new List<string>();
        Walk(body, type, "", unknown);
        var messages = unknown.Select(u => $"unknown field \"{u}\"").ToList();
        if (mode == "Strict" && messages.Count > 0)
        {
            throw ApiException.BadRequest("strict decoding error: " + string.Join(", ", messages));
        }

        return messages;
    }

    private static void Walk(JsonNode? node, Type type, string path, List<string> unknown)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is null || IsScalar(type))
        {
            return;
        }

        if (Dictionary(type) is { } valueType)
        {
            if (node is JsonObject map)
            {
                foreach (var (key, value) in map)
                {
                    Walk(value, valueType, $"{path}.{key}", unknown);
                }
            }

            return;
        }

        if (Element(type) is { } elementType)
        {
            if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], elementType, $"{path}[{i}]", unknown);
                }
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        var properties = Properties.GetOrAdd(type, PropertiesOf);
        foreach (var (key, value) in obj)
        {
            // Patch directives ($patch, $setElementOrder/...) are not fields.
            if (key.StartsWith('$'))
            {
                continue;
            }

            var field = path.Length == 0 ? key : $"{path}.{key}";
            if (properties.TryGetValue(key, out var propertyType))
            {
                Walk(value, propertyType, field, unknown);
            }
            else
            {
                unknown.Add(field);
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(object) || type == typeof(byte[])
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(decimal)
        || type.Namespace == "k8s.Models" && type.Name is "ResourceQuantity" or "IntOrString" or "IntstrIntOrString";

    private static Type? Dictionary(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? Element(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;

    private static Dictionary<string, Type> PropertiesOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(p => p.Name is not null)
            .GroupBy(p => p.Name!)
            .ToDictionary(g => g.Key, g => g.First().PropertyType);
}
