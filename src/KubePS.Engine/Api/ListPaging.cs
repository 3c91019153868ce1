using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubePS.Engine.Api;

/// <summary>
/// <c>limit</c> and <c>continue</c> on lists. The continue token is opaque to clients: it carries
/// the resourceVersion of the first page and the last key returned; later pages continue after
/// that key in the current state.
/// </summary>
public static class ListPaging
{
    public sealed record Page(IReadOnlyList<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);

    public static Page Apply(IReadOnlyList<JsonObject> items, long resourceVersion, string? limitText, string? continueToken)
    {
        var rv = resourceVersion.ToString();
        IEnumerable<JsonObject> rest = items;
        if (continueToken is not null)
        {
            var (tokenRv, after) = Decode(continueToken);
            rv = tokenRv;
            rest = items.Where(i => string.CompareOrdinal(Key(i), after) > 0);
        }

        if (limitText is null)
        {
            return new Page(rest.ToList(), rv, null, null);
        }

        if (!int.TryParse(limitText, out var limit) || limit < 0)
        {
            throw ApiException.BadRequest($"invalid limit \"{limitText}\": must be a non-negative integer");
        }

        var remaining = rest.ToList();
        if (limit == 0 || remaining.Count <= limit)
        {
            return new Page(remaining, rv, null, null);
        }

        var page = remaining.Take(limit).ToList();
        return new Page(page, rv, Encode(rv, Key(page[^1])), remaining.Count - limit);
    }

    private static string Key(JsonObject item) => $"{KubeJson.NamespaceOf(item)}/{KubeJson.NameOf(item)}";

    private static string Encode(string rv, string after) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["rv"] = rv, ["after"] = after }.ToJsonString()));

    private static (string Rv, string After) Decode(string token)
    {
        try
        {
            var node = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)))!;
            return (node["rv"]!.GetValue<string>(), node["after"]!.GetValue<string>());
        }
        catch (Exception e) when (e is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw ApiException.BadRequest("continue key is not valid: " + e.Message);
        }
    }
}
