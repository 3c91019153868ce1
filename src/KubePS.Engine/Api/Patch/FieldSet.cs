using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Api.Patch;

/// <summary>
/// Sets of field paths in the FieldsV1 form of <c>managedFields</c>: each key one step (<c>f:name</c> a field,
/// <c>k:{"name":"app"}</c> a list item by its merge key, <c>v:"x"</c> a set member); a node is in the set
/// itself when it is empty (a leaf) or holds <c>.</c>. The operations return new trees and never share nodes.
/// </summary>
public static class FieldSet
{
    private const string Itself = ".";

    public static bool Contains(JsonObject node) => node.Count == 0 || node.ContainsKey(Itself);

    // The root of a set stands for the object, which no set holds itself.
    public static JsonObject Union(JsonObject a, JsonObject b) => Union(a, b, root: true);

    /// <summary>The paths of <paramref name="a"/> that are not in <paramref name="b"/>; empty when none are left.</summary>
    public static JsonObject Subtract(JsonObject a, JsonObject b) => Subtract(a, b, root: true) ?? [];

    /// <summary>The paths in both sets; empty when they share none.</summary>
    public static JsonObject Intersect(JsonObject a, JsonObject b) => Intersect(a, b, root: true) ?? [];

    private static JsonObject Union(JsonObject a, JsonObject b, bool root)
    {
        var result = new JsonObject();
        foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Where(k => k != Itself))
        {
            result[key] = (a[key], b[key]) switch
            {
                (JsonObject x, JsonObject y) => Union(x, y, root: false),
                (JsonObject x, _) => x.DeepClone(),
                (_, var y) => y!.DeepClone(),
            };
        }

        return Shape(result, !root && (Contains(a) || Contains(b)));
    }

    private static JsonObject? Subtract(JsonObject a, JsonObject b, bool root)
    {
        var result = new JsonObject();
        foreach (var (key, value) in a.Where(p => p.Key != Itself))
        {
            var child = (JsonObject)value!;
            var rest = b[key] is JsonObject other ? Subtract(child, other, root: false) : (JsonObject)child.DeepClone();
            if (rest is not null)
            {
                result[key] = rest;
            }
        }

        var itself = !root && Contains(a) && !Contains(b);
        return result.Count == 0 && !itself ? null : Shape(result, itself);
    }

    private static JsonObject? Intersect(JsonObject a, JsonObject b, bool root)
    {
        var result = new JsonObject();
        foreach (var (key, value) in a.Where(p => p.Key != Itself))
        {
            if (b[key] is JsonObject other && Intersect((JsonObject)value!, other, root: false) is { } both)
            {
                result[key] = both;
            }
        }

        var itself = !root && Contains(a) && Contains(b);
        return result.Count == 0 && !itself ? null : Shape(result, itself);
    }

    /// <summary>Every path in the set, each as its steps from the root.</summary>
    public static IEnumerable<IReadOnlyList<string>> Paths(JsonObject set) => Paths(set, []);

    /// <summary>A set of the given paths.</summary>
    public static JsonObject FromPaths(IEnumerable<IReadOnlyList<string>> paths)
    {
        var set = new JsonObject();
        foreach (var path in paths)
        {
            var node = set;
            foreach (var step in path)
            {
                if (node[step] is not JsonObject child)
                {
                    node[step] = child = [];
                }

                node = child;
            }
        }

        return set;
    }

    /// <summary>Whether the path is in the set as a value of its own, with nothing of it listed beneath.</summary>
    public static bool IsLeaf(JsonObject set, IReadOnlyList<string> path) => NodeAt(set, path) is { Count: 0 };

    /// <summary>Whether the set holds the path or anything beneath it.</summary>
    public static bool Touches(JsonObject set, IReadOnlyList<string> path) => NodeAt(set, path) is not null;

    private static JsonObject? NodeAt(JsonObject set, IReadOnlyList<string> path)
    {
        JsonObject? node = set;
        foreach (var step in path)
        {
            node = node?[step] as JsonObject;
        }

        return node;
    }

    /// <summary>The value at a path of an object; false when it is not there.</summary>
    public static bool TryGet(JsonNode? root, IReadOnlyList<string> path, out JsonNode? value)
    {
        value = root;
        foreach (var step in path)
        {
            if (!TryStep(value, step, out var parent, out var index) || parent is null)
            {
                value = null;
                return false;
            }

            value = parent is JsonObject obj ? obj[step[2..]] : ((JsonArray)parent)[index];
        }

        return true;
    }

    /// <summary>Removes the field, list item or set member at a path, if it is there.</summary>
    public static void Remove(JsonNode? root, IReadOnlyList<string> path)
    {
        if (path.Count == 0 || !TryGet(root, path.Take(path.Count - 1).ToList(), out var container) || !TryStep(container, path[^1], out var parent, out var index))
        {
            return;
        }

        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(path[^1][2..]);
                break;
            case JsonArray list:
                list.RemoveAt(index);
                break;
        }
    }

    /// <summary>Kubernetes' way of writing a path in a conflict: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Describe(IReadOnlyList<string> path)
    {
        var text = new StringBuilder();
        foreach (var step in path)
        {
            switch (step[..2])
            {
                case "f:":
                    text.Append('.').Append(step[2..]);
                    break;
                case "k:":
                    var keys = JsonNode.Parse(step[2..])!.AsObject().Select(p => $"{p.Key}={p.Value!.ToJsonString()}");
                    text.Append('[').AppendJoin(',', keys).Append(']');
                    break;
                case "v:":
                    text.Append("[=").Append(step[2..]).Append(']');
                    break;
                default:
                    text.Append('.').Append(step);
                    break;
            }
        }

        return text.ToString();
    }

    private static IEnumerable<IReadOnlyList<string>> Paths(JsonObject node, List<string> prefix)
    {
        if (prefix.Count > 0 && Contains(node))
        {
            yield return prefix.ToList();
        }

        foreach (var (key, value) in node.Where(p => p.Key != Itself))
        {
            prefix.Add(key);
            foreach (var path in Paths((JsonObject)value!, prefix))
            {
                yield return path;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    // One step down: the object holding field "f:x", or the list holding item "k:{..}" / member "v:..".
    private static bool TryStep(JsonNode? node, string step, out JsonNode? parent, out int index)
    {
        parent = node;
        index = -1;
        switch (step.Length > 2 ? step[..2] : "")
        {
            case "f:":
                return node is JsonObject obj && obj.ContainsKey(step[2..]);
            case "k:" when node is JsonArray list:
                var keys = JsonNode.Parse(step[2..]) as JsonObject;
                index = IndexOf(list, item => item is JsonObject o && keys is not null && keys.All(k => JsonNode.DeepEquals(o[k.Key], k.Value)));
                return index >= 0;
            case "v:" when node is JsonArray list:
                JsonNode? member;
                try
                {
                    member = JsonNode.Parse(step[2..]);
                }
                catch (JsonException)
                {
                    return false;
                }

                index = IndexOf(list, item => JsonNode.DeepEquals(item, member));
                return index >= 0;
            default:
                return false;
        }
    }

    private static int IndexOf(JsonArray list, Func<JsonNode?, bool> match)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (match(list[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonObject Shape(JsonObject children, bool itself)
    {
        if (itself && children.Count > 0)
        {
            children.Insert(0, Itself, new JsonObject());
        }

        return children;
    }
}
