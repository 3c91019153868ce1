using System.Text.Json.Nodes;

namespace KubePS.Engine.Api.Patch;

/// <summary>One field an apply would take from another manager: who owns it, at which version, where.</summary>
public sealed record ApplyConflict(string Manager, string Operation, string? Subresource, string ApiVersion, IReadOnlyList<string> Path);

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
        var entries = EntriesOf(obj);
        foreach (var previous in entries.OfType<JsonObject>().Where(e => Is(e, manager, "Apply", subresource)).ToList())
        {
            entries.Remove(previous);
        }

        entries.Add(Entry(manager, "Apply", apiVersion, subresource, time, (JsonObject)fields.DeepClone()));
    }

    /// <summary>
    /// The fields an apply would set that another manager owns with a different value; such an apply is
    /// refused unless forced (server-side apply's conflicts). Equal values are shared, not conflicting.
    /// </summary>
    public static IReadOnlyList<ApplyConflict> Conflicts(JsonObject live, JsonObject applied, JsonObject fields, string manager)
    {
        var conflicts = new List<ApplyConflict>();
        foreach (var entry in (live["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(entry, "manager") == manager)
            {
                continue;
            }

            var overlap = FieldSet.Intersect(fields, FieldsOf(entry));
            // Only values are compared: a map or list item both sets hold is shared, whatever its members.
            foreach (var path in FieldSet.Paths(overlap).Where(p => FieldSet.IsLeaf(fields, p)))
            {
                var same = FieldSet.TryGet(live, path, out var liveValue) && FieldSet.TryGet(applied, path, out var appliedValue) && JsonNode.DeepEquals(liveValue, appliedValue);
                if (!same)
                {
                    conflicts.Add(new ApplyConflict(Text(entry, "manager") ?? "", Text(entry, "operation") ?? "", Text(entry, "subresource"), Text(entry, "apiVersion") ?? "", path));
                }
            }
        }

        return conflicts;
    }

    /// <summary>A forced apply: the managers it overrode no longer own the fields it took.</summary>
    public static void TakeOver(JsonObject obj, IReadOnlyList<ApplyConflict> conflicts)
    {
        var entries = EntriesOf(obj);
        foreach (var group in conflicts.GroupBy(c => (c.Manager, c.Operation, c.Subresource)))
        {
            var taken = FieldSet.FromPaths(group.Select(c => c.Path));
            foreach (var entry in entries.OfType<JsonObject>().Where(e => Is(e, group.Key.Manager, group.Key.Operation, group.Key.Subresource)).ToList())
            {
                SetFields(entries, entry, FieldSet.Subtract(FieldsOf(entry), taken));
            }
        }
    }

    /// <summary>
    /// Fields the manager applied before but not now are removed from the object, unless another manager
    /// still owns them (or something beneath them).
    /// </summary>
    public static void RemoveUnapplied(JsonObject obj, string manager, string? subresource, JsonObject fields)
    {
        var entries = EntriesOf(obj).OfType<JsonObject>().ToList();
        if (entries.FirstOrDefault(e => Is(e, manager, "Apply", subresource)) is not { } previous)
        {
            return;
        }

        var others = entries.Where(e => e != previous).Aggregate(new JsonObject(), (all, e) => FieldSet.Union(all, FieldsOf(e)));
        foreach (var path in FieldSet.Paths(FieldSet.Subtract(FieldsOf(previous), fields)).Where(p => !FieldSet.Touches(others, p)))
        {
            FieldSet.Remove(obj, path);
        }
    }

    /// <summary>
    /// Records a create, update or patch by <paramref name="manager"/>: it takes the fields it changed from every
    /// other manager (an update never conflicts), and fields that are gone belong to nobody any more.
    /// </summary>
    public static void RecordUpdate(JsonObject? before, JsonObject after, string manager, string apiVersion, string? subresource, JsonNode time, Type type)
    {
        var (changed, removed) = Diff(before ?? [], after, type);
        if (changed.Count == 0 && removed.Count == 0)
        {
            return;
        }

        var taken = FieldSet.Union(changed, removed);
        var entries = EntriesOf(after);
        var mine = entries.OfType<JsonObject>().FirstOrDefault(e => Is(e, manager, "Update", subresource));
        foreach (var entry in entries.OfType<JsonObject>().Where(e => e != mine).ToList())
        {
            SetFields(entries, entry, FieldSet.Subtract(FieldsOf(entry), taken));
        }

        var owned = FieldSet.Subtract(FieldSet.Union(mine is null ? [] : FieldsOf(mine), changed), removed);
        if (mine is null && owned.Count > 0)
        {
            mine = Entry(manager, "Update", apiVersion, subresource, time, owned);
            entries.Add(mine);
        }
        else if (mine is not null)
        {
            mine["time"] = time.DeepClone();
            SetFields(entries, mine, owned);
        }

        if (entries.Count == 0)
        {
            after["metadata"]!.AsObject().Remove("managedFields");
        }
    }

    /// <summary>The managers' entries of an object, which it holds from then on.</summary>
    public static JsonArray EntriesOf(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        if (metadata["managedFields"] is not JsonArray entries)
        {
            metadata["managedFields"] = entries = [];
        }

        return entries;
    }

    public static JsonObject FieldsOf(JsonObject entry) => entry["fieldsV1"] as JsonObject ?? [];

    private static JsonObject Entry(string manager, string operation, string apiVersion, string? subresource, JsonNode time, JsonObject fields)
    {
        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = time.DeepClone(),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        };
        if (subresource is not null)
        {
            entry["subresource"] = subresource;
        }

        return entry;
    }

    public static bool Is(JsonObject entry, string manager, string operation, string? subresource) =>
        Text(entry, "manager") == manager && Text(entry, "operation") == operation && Text(entry, "subresource") == subresource;

    public static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Gives an entry its new fields, or drops it when it owns nothing any more.</summary>
    public static void SetFields(JsonArray entries, JsonObject entry, JsonObject fields)
    {
        if (fields.Count == 0)
        {
            entries.Remove(entry);
        }
        else
        {
            entry["fieldsV1"] = fields;
        }
    }

    /// <summary>The paths a write set to a new value, and the paths it removed.</summary>
    public static (JsonObject Changed, JsonObject Removed) Diff(JsonObject before, JsonObject after, Type type)
    {
        var (changed, removed) = (new JsonObject(), new JsonObject());
        DiffObject(before, after, type, changed, removed, TopLevel);
        return (changed, removed);
    }

    private static readonly HashSet<string> TopLevel = ["apiVersion", "kind"];

    private static void DiffObject(JsonObject before, JsonObject after, Type? type, JsonObject changed, JsonObject removed, HashSet<string>? skip)
    {
        foreach (var (key, value) in after)
        {
            if (value is null || skip?.Contains(key) == true || key.StartsWith('$'))
            {
                continue;
            }

            var childType = ModelSchema.Child(type, key);
            var (c, r) = skip == TopLevel && key == "metadata"
                ? DiffValue(before[key] ?? new JsonObject(), value, childType, type, key, UnownedMetadata)
                : before[key] is { } old
                    ? DiffValue(old, value, childType, type, key, null)
                    : (ValueSet(value, childType, type, key), null);
            if (c is not null)
            {
                changed["f:" + key] = c;
            }

            if (r is not null)
            {
                removed["f:" + key] = r;
            }
        }

        foreach (var (key, value) in before)
        {
            if (value is not null && after[key] is null && skip?.Contains(key) != true)
            {
                removed["f:" + key] = new JsonObject();
            }
        }
    }

    // A changed value: objects, keyed lists and sets are compared member by member; anything else is one
    // changed leaf. Null means nothing changed (or nothing was removed).
    private static (JsonObject? Changed, JsonObject? Removed) DiffValue(JsonNode? before, JsonNode? after, Type? type, Type? owner, string field, HashSet<string>? skip)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return (null, null);
        }

        var (changed, removed) = (new JsonObject(), new JsonObject());
        var elementType = ModelSchema.ElementOf(type);
        switch (before, after)
        {
            case (JsonObject oldObject, JsonObject newObject):
                DiffObject(oldObject, newObject, type, changed, removed, skip);
                break;
            case (JsonArray oldList, JsonArray newList) when MergeKeys.For(elementType) is { } mergeKey:
                var oldItems = Keyed(oldList, mergeKey);
                var newItems = Keyed(newList, mergeKey);
                foreach (var (key, item) in newItems)
                {
                    var (c, r) = oldItems.TryGetValue(key, out var oldItem)
                        ? DiffValue(oldItem, item, elementType, null, key, null)
                        : (ItemSet(item, elementType), null);
                    if (c is not null)
                    {
                        changed[key] = c;
                    }

                    if (r is not null)
                    {
                        removed[key] = r;
                    }
                }

                foreach (var key in oldItems.Keys.Where(k => !newItems.ContainsKey(k)))
                {
                    removed[key] = new JsonObject();
                }

                break;
            case (JsonArray oldSet, JsonArray newSet) when MergeKeys.MergesAsSet(owner, field):
                foreach (var member in newSet.Where(m => !oldSet.Any(o => JsonNode.DeepEquals(o, m))))
                {
                    changed["v:" + member!.ToJsonString()] = new JsonObject();
                }

                foreach (var member in oldSet.Where(o => !newSet.Any(m => JsonNode.DeepEquals(o, m))))
                {
                    removed["v:" + member!.ToJsonString()] = new JsonObject();
                }

                break;
            default:
                return (new JsonObject(), null);
        }

        return (changed.Count > 0 ? changed : null, removed.Count > 0 ? removed : null);
    }

    private static Dictionary<string, JsonObject> Keyed(JsonArray list, string mergeKey)
    {
        var items = new Dictionary<string, JsonObject>();
        foreach (var item in list.OfType<JsonObject>().Where(i => i[mergeKey] is not null))
        {
            items.TryAdd(ItemKey(item, mergeKey), item);
        }

        return items;
    }

    private static string ItemKey(JsonObject item, string mergeKey) => "k:" + new JsonObject { [mergeKey] = item[mergeKey]!.DeepClone() }.ToJsonString();

    private static JsonObject ItemSet(JsonObject item, Type? elementType)
    {
        var set = ObjectSet(item, elementType);
        set.Insert(0, ".", new JsonObject());
        return set;
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
                    items[ItemKey(item, mergeKey)] = ItemSet(item, elementType);
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
}
