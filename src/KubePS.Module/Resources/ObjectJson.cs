using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubePS.Module.Resources;

/// <summary>
/// Objects of any kind between JSON and PowerShell: a kind KubernetesClient has a model for becomes
/// that model (V1Deployment, with the module's views); any other kind (a custom resource) becomes a
/// PSCustomObject with the same property names, so both pipe and format the same way.
/// </summary>
public static class ObjectJson
{
    private static readonly Lazy<Dictionary<(string ApiVersion, string Kind), Type>> Models = new(FindModels);
    private static readonly ConcurrentDictionary<Type, Func<string, object>> Readers = new();

    /// <summary>The KubernetesClient model of an apiVersion and kind, or null.</summary>
    public static Type? ModelOf(string apiVersion, string kind) =>
        Models.Value.TryGetValue((apiVersion, kind), out var type) ? type : null;

    /// <summary>The apiVersion and kind of a KubernetesClient model type, or null for other types.</summary>
    public static (string ApiVersion, string Kind)? KindOf(Type type) =>
        type.GetCustomAttribute<KubernetesEntityAttribute>() is { } entity
            ? (entity.Group.Length == 0 ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}", entity.Kind)
            : null;

    /// <summary>
    /// An object from its JSON; apiVersion and kind are set when the JSON lacks them (list items).
    /// Name and Namespace are top-level properties of every object, so any kind binds by property
    /// name to -Name and -Namespace down the pipeline.
    /// </summary>
    public static PSObject ToObject(JsonObject json, string apiVersion, string kind)
    {
        json["apiVersion"] ??= apiVersion;
        json["kind"] ??= kind;
        var type = ModelOf((string)json["apiVersion"]!, (string)json["kind"]!);
        var result = type is null ? PSObjectOf(json) : PSObject.AsPSObject(Readers.GetOrAdd(type, ReaderFor)(json.ToJsonString()));
        AddIfMissing(result, "Name", (string?)json["metadata"]?["name"]);
        AddIfMissing(result, "Namespace", (string?)json["metadata"]?["namespace"]);
        return result;
    }

    private static void AddIfMissing(PSObject obj, string name, string? value)
    {
        if (obj.Properties[name] is null)
        {
            obj.Properties.Add(new PSNoteProperty(name, value));
        }
    }

    /// <summary>
    /// The JSON of an object from the pipeline: a KubernetesClient model, a PSCustomObject or a
    /// hashtable; null for anything else.
    /// </summary>
    public static JsonObject? ToJson(object? value)
    {
        var baseObject = value is PSObject ps ? ps.BaseObject : value;
        if (baseObject is IKubernetesObject model)
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(model))!.AsObject();
            if (KindOf(model.GetType()) is { } kind)
            {
                json["apiVersion"] ??= kind.ApiVersion;
                json["kind"] ??= kind.Kind;
            }

            return json;
        }

        return value is PSObject { BaseObject: PSCustomObject } || baseObject is IDictionary ? FromPowerShell(value) as JsonObject : null;
    }

    /// <summary>A JSON value as PowerShell sees it: objects as PSCustomObjects, arrays as object[].</summary>
    public static object? ToPSObject(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => PSObjectOf(obj),
        JsonArray array => array.Select(ToPSObject).ToArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetValue<long>(out var whole) => whole,
            JsonValueKind.Number => value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static PSObject PSObjectOf(JsonObject obj)
    {
        var result = new PSObject();
        foreach (var (name, child) in obj)
        {
            result.Properties.Add(new PSNoteProperty(name, ToPSObject(child)));
        }

        return result;
    }

    private static JsonNode? FromPowerShell(object? value)
    {
        var baseObject = value is PSObject ps ? ps.BaseObject : value;
        switch (baseObject)
        {
            case null:
                return null;
            case IKubernetesObject or V1ObjectMeta:
                return JsonNode.Parse(KubernetesJson.Serialize(baseObject));
            case string or bool or int or long or double or decimal or float:
                return JsonValue.Create(baseObject);
            case IDictionary dictionary:
                var fromTable = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    fromTable[LanguagePrimitives.ConvertTo<string>(entry.Key)] = FromPowerShell(entry.Value);
                }

                return fromTable;
            case IEnumerable items:
                return new JsonArray(items.Cast<object?>().Select(FromPowerShell).ToArray());
            case PSCustomObject when value is PSObject custom:
                var fromObject = new JsonObject();
                foreach (var property in custom.Properties)
                {
                    fromObject[property.Name] = FromPowerShell(property.Value);
                }

                return fromObject;
            default:
                return JsonValue.Create(LanguagePrimitives.ConvertTo<string>(baseObject));
        }
    }

    private static Func<string, object> ReaderFor(Type type)
    {
        var method = typeof(KubernetesJson).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.IsGenericMethod && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(string))
            .MakeGenericMethod(type);
        return json => method.Invoke(null, [json, null])!;
    }

    private static Dictionary<(string, string), Type> FindModels()
    {
        var models = new Dictionary<(string, string), Type>();
        foreach (var type in typeof(V1Pod).Assembly.GetExportedTypes())
        {
            if (KindOf(type) is { } kind && !kind.Kind.EndsWith("List", StringComparison.Ordinal))
            {
                models.TryAdd(kind, type);
            }
        }

        return models;
    }
}
