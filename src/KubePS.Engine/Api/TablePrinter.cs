using System.Text.Json.Nodes;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Api;

/// <summary>Server-side printing: the meta.k8s.io/v1 Table that <c>kubectl get</c> shows.</summary>
public sealed class TablePrinter(TimeProvider clock)
{
    public JsonObject Print(KindInfo kind, IEnumerable<JsonObject> items, string resourceVersion, string includeObject, bool withColumns = true)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject { ["cells"] = new JsonArray(Cells(kind, item, now).Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()) };
            var rowObject = RowObject(item, includeObject);
            if (rowObject is not null)
            {
                row["object"] = rowObject;
            }

            rows.Add(row);
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
        };
        if (withColumns)
        {
            table["columnDefinitions"] = new JsonArray(kind.Columns.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type == "date" ? "string" : c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToArray());
        }

        table["rows"] = rows;
        return table;
    }

    private static JsonObject? RowObject(JsonObject item, string includeObject) => includeObject switch
    {
        "None" => null,
        "Object" => (JsonObject)item.DeepClone(),
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = item["metadata"]?.DeepClone(),
        },
    };

    private static IEnumerable<string> Cells(KindInfo kind, JsonObject item, DateTime now) => kind.Row(KubeJson.ToTyped(item, kind.ClrType), now);
}
