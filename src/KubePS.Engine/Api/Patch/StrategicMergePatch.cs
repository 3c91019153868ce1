using System.Text.Json.Nodes;

namespace KubePS.Engine.Api.Patch;

/// <summary>
/// Strategic merge patch as the Kubernetes API server applies it to built-in kinds: maps merge, lists with a
/// merge key (<see cref="MergeKeys"/>) merge item by item, other lists are replaced, null deletes, and the
/// <c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/</c> and <c>$deleteFromPrimitiveList/</c> directives steer the rest.
/// </summary>
public static class StrategicMergePatch
{
    public const string MediaType = "application/strategic-merge-patch+json";

    private const string PatchDirective = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="original"/>, an object of the k8s.Models <paramref name="type"/>.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, Type type)
    {
        var result = (JsonObject)original.DeepClone();
        MergeObject(result, patch, type);
        return result;
    }

    private static void MergeObject(JsonObject target, JsonObject patch, Type? type)
    {
        switch (patch.ContainsKey(PatchDirective) ? DirectiveOf(patch) : "merge")
        {
            case "delete":
                target.Clear();
                return;
            case "replace":
                target.Clear();
                break;
            case "merge":
                break;
            case var other:
                throw BadDirective(other);
        }

        if (patch.ContainsKey(RetainKeys))
        {
            Retain(target, patch);
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal) && target[key[DeleteFromPrimitiveList.Length..]] is JsonArray list)
            {
                foreach (var removed in ListOf(value, key))
                {
                    RemoveWhere(list, item => JsonNode.DeepEquals(item, removed));
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                target.Remove(key);
                continue;
            }

            var fieldType = ModelSchema.Child(type, key);
            switch (target[key], value)
            {
                case (JsonObject current, JsonObject change):
                    MergeObject(current, change, fieldType);
                    break;
                case (JsonArray current, JsonArray change):
                    MergeList(current, change, fieldType, type, key);
                    break;
                default:
                    target[key] = Fresh(value, fieldType, type, key);
                    break;
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && target[key[SetElementOrder.Length..]] is JsonArray list)
            {
                var elementType = ModelSchema.ElementOf(ModelSchema.Child(type, key[SetElementOrder.Length..]));
                Order(list, ListOf(value, key), MergeKeys.For(elementType));
            }
        }
    }

    private static void MergeList(JsonArray target, JsonArray patch, Type? listType, Type? owner, string field)
    {
        var elementType = ModelSchema.ElementOf(listType);
        if (MergeKeys.For(elementType) is { } mergeKey)
        {
            MergeKeyedList(target, patch, elementType, mergeKey);
        }
        else if (MergeKeys.MergesAsSet(owner, field))
        {
            foreach (var item in patch.Where(item => !target.Any(t => JsonNode.DeepEquals(t, item))))
            {
                target.Add(item?.DeepClone());
            }
        }
        else
        {
            target.Clear();
            foreach (var item in patch)
            {
                target.Add(item is null ? null : Fresh(item, elementType, null, ""));
            }
        }
    }

    private static void MergeKeyedList(JsonArray target, JsonArray patch, Type? elementType, string mergeKey)
    {
        var changes = new List<JsonObject>();
        var replace = false;
        foreach (var item in patch)
        {
            var change = item as JsonObject ?? throw BadPatch($"a list merged on \"{mergeKey}\" holds {item?.ToJsonString() ?? "null"}, not an object");
            switch (change.ContainsKey(PatchDirective) ? DirectiveOf(change) : "merge")
            {
                case "merge":
                    changes.Add(change);
                    break;
                case "delete":
                    var key = KeyOf(change, mergeKey);
                    RemoveWhere(target, t => t is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key));
                    break;
                case "replace":
                    replace = true;
                    break;
                case var other:
                    throw BadDirective(other);
            }
        }

        if (replace)
        {
            target.Clear();
        }

        foreach (var change in changes)
        {
            var key = KeyOf(change, mergeKey);
            if (target.OfType<JsonObject>().FirstOrDefault(t => JsonNode.DeepEquals(t[mergeKey], key)) is { } existing)
            {
                MergeObject(existing, change, elementType);
            }
            else
            {
                target.Add(Fresh(change, elementType, null, ""));
            }
        }
    }

    // A patch value with no counterpart is taken as it is, less its directives.
    private static JsonNode Fresh(JsonNode value, Type? type, Type? owner, string field)
    {
        switch (value)
        {
            case JsonObject change:
                var obj = new JsonObject();
                MergeObject(obj, change, type);
                return obj;
            case JsonArray change:
                var list = new JsonArray();
                MergeList(list, change, type, owner, field);
                return list;
            default:
                return value.DeepClone();
        }
    }

    // The listed items take the listed order in the slots they hold; items the patch does not list keep theirs.
    private static void Order(JsonArray list, JsonArray order, string? mergeKey)
    {
        JsonNode? IdOf(JsonNode? item) => mergeKey is null ? item : (item as JsonObject)?[mergeKey];
        var wanted = order.Select(IdOf).ToList();
        int Rank(JsonNode? item) => wanted.FindIndex(w => JsonNode.DeepEquals(w, IdOf(item)));

        var items = list.ToList();
        var listed = new Queue<JsonNode?>(items.Where(i => Rank(i) >= 0).OrderBy(Rank));
        var ordered = items.Select(i => Rank(i) >= 0 ? listed.Dequeue() : i).ToList();
        list.Clear();
        foreach (var item in ordered)
        {
            list.Add(item);
        }
    }

    private static void Retain(JsonObject target, JsonObject patch)
    {
        var keep = ListOf(patch[RetainKeys], RetainKeys)
            .Select(k => k is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw BadPatch($"{RetainKeys} must list field names"))
            .ToHashSet();
        if (patch.FirstOrDefault(p => p.Value is not null && !p.Key.StartsWith('$') && !keep.Contains(p.Key)).Key is { } stray)
        {
            throw BadPatch($"the patch sets \"{stray}\", which its {RetainKeys} list does not name");
        }

        foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
        {
            target.Remove(key);
        }
    }

    private static JsonNode KeyOf(JsonObject item, string mergeKey) =>
        item[mergeKey] ?? throw BadPatch($"map: {item.ToJsonString()} does not contain declared merge key: {mergeKey}");

    private static string DirectiveOf(JsonObject patch) =>
        patch[PatchDirective] is JsonValue v && v.TryGetValue<string>(out var directive)
            ? directive
            : throw BadDirective(patch[PatchDirective]?.ToJsonString() ?? "null");

    private static JsonArray ListOf(JsonNode? node, string directive) =>
        node as JsonArray ?? throw BadPatch($"{directive} must be a list, not {node?.ToJsonString() ?? "null"}");

    private static void RemoveWhere(JsonArray list, Func<JsonNode?, bool> match)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (match(list[i]))
            {
                list.RemoveAt(i);
            }
        }
    }

    private static ApiException BadDirective(string directive) =>
        BadPatch($"unknown patch type: {directive} in $patch; $patch takes replace, merge or delete");

    private static ApiException BadPatch(string message) => ApiException.BadRequest($"invalid strategic merge patch: {message}");
}
