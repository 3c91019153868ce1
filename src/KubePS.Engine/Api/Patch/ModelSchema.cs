using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace KubePS.Engine.Api.Patch;

/// <summary>
/// The k8s.Models type behind each JSON field, read from the models' <c>[JsonPropertyName]</c> attributes,
/// so that patches know which list holds which element type.
/// </summary>
public static class ModelSchema
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> Fields = new();

    public static bool IsModel(Type? type) => type is { Namespace: "k8s.Models", IsClass: true };

    /// <summary>The type of a field of a model, or of a value of a map; null when unknown.</summary>
    public static Type? Child(Type? type, string key)
    {
        if (type is null)
        {
            return null;
        }

        if (ValueOf(type) is { } valueType)
        {
            return valueType;
        }

        return IsModel(type) && Fields.GetOrAdd(type, FieldsOf).TryGetValue(key, out var field) ? field : null;
    }

    /// <summary>The element type of a list type, or null when the type is not a list.</summary>
    public static Type? ElementOf(Type? type) =>
        type is not null && type != typeof(string) && ValueOf(type) is null && typeof(IEnumerable).IsAssignableFrom(type)
            ? GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : null;

    public static bool IsMap(Type? type) => type is not null && ValueOf(type) is not null;

    private static Type? ValueOf(Type type) => GenericInterface(type, typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? GenericInterface(Type type, Type definition) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static IReadOnlyDictionary<string, Type> FieldsOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Type: Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .Where(p => p.Name is not null)
            .GroupBy(p => p.Name!)
            .ToDictionary(g => g.Key, g => g.First().Type);
}
