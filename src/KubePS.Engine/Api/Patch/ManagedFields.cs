using System.Text.Json.Nodes;

namespace KubePS.Engine.Api.Patch;

/// <summary>
/// <c>metadata.managedFields</c>: which field manager applied which fields, in the FieldsV1 form
/// (<c>f:</c> fields, <c>k:</c> list items by merge key, <c>v:</c> set members, <c>.</c> the item itself).
/// </summary>
public static class ManagedFields
{
    // Identity and server-set metadata belong to no manager.
    private static readonly HashSet<string> UnownedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "managedFields", "selfLink"];

    /// <summary>The set of fields an applied configuration of the k8s.Models <paramref name="type"/> sets.</summary>
    public static JsonObject FieldSetOf(JsonObject applied, Type type)
    {
        var fields = new JsonObject();
        foreach (var (key, value) in applied)
        {
            if (key is "apiVersion" or "kind" || key.StartsWith('$'))
            {
                continue;
            }

            var set = key == "metadata" && value is JsonObject metadata
                ? ObjectSet(new JsonObject(metadata.Where(p => !UnownedMetadata.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))), ModelSchema.Child(type, key))
                : ValueSet(value, ModelSchema.Child(type, key), type, key);
            if (key != "metadata" || set.Count > 0)
            {
                fields["f:" + key] = set;
            }
        }

        return fields;
    }

    /// <summary>Records that <paramref name="manager"/> applied <paramref name="fields"/>, replacing its previous apply and keeping other managers' entries.</summary>
    public static void RecordApply(JsonObject obj, string manager, string apiVersion, string? subresource, JsonNode time, JsonObject fields)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var entries = metadata["managedFields"] as JsonArray ?? [];
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i] is JsonObject entry && Text(entry, "manager") == manager && Text(entry, "operation") == "Apply" && Text(entry, "subresource") == subresource)
            {
                entries.RemoveAt(i);
            }
        }

        var recorded = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = "Apply",
            ["apiVersion"] = apiVersion,
            ["time"] = time.DeepClone(),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields.DeepClone(),
        };
        if (subresource is not null)
        {
            recorded["subresource"] = subresource;
        }

        entries.Add(recorded);
        metadata["managedFields"] = entries;
    }

    private static JsonObject ObjectSet(JsonObject obj, Type? type)
    {
        var set = new JsonObject();
        if (ModelSchema.IsMap(type) && obj.Count > 0)
        {
            set["."] = new JsonObject();
        }

        foreach (var (key, value) in obj)
        {
            if (!key.StartsWith('$'))
            {
                set["f:" + key] = ValueSet(value, ModelSchema.Child(type, key), type, key);
            }
        }

        return set;
    }

    private static JsonObject ValueSet(JsonNode? value, Type? type, Type? owner, string field)
    {
        var elementType = ModelSchema.ElementOf(type);
        switch (value)
        {
            case JsonObject obj:
                return ObjectSet(obj, type);
            case JsonArray list when MergeKeys.For(elementType) is { } mergeKey:
                var items = new JsonObject();
                foreach (var item in list.OfType<JsonObject>().Where(i => i[mergeKey] is not null))
                {
                    var itemSet = ObjectSet(item, elementType);
                    itemSet.Insert(0, ".", new JsonObject());
                    items["k:" + new JsonObject { [mergeKey] = item[mergeKey]!.DeepClone() }.ToJsonString()] = itemSet;
                }

                return items;
            case JsonArray list when MergeKeys.MergesAsSet(owner, field):
                var members = new JsonObject();
                foreach (var item in list.Where(i => i is not null))
                {
                    members["v:" + item!.ToJsonString()] = new JsonObject();
                }

                return members;
            default:
                return [];
        }
    }

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
