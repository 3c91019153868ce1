using System.Text.Json.Nodes;
using KubePS.Core.Kinds;
using KubePS.Engine.Api.Patch;
using KubePS.Engine.Api.Protobuf;

namespace KubePS.Engine.Tests.Api;

/// <summary>Protobuf request bodies decode to the JSON a Go API server would see, and broken ones are refused.</summary>
public sealed class ProtobufBodyTests
{
    private static readonly ProtobufSchema Schema = ProtobufSchema.Kubernetes;

    private static JsonObject Decode(byte[] body) => ProtobufBody.Decode(body, Schema);

    [Fact]
    public void Every_served_kind_has_a_message()
    {
        var missing = KindRegistry.All.Where(k => Schema.RootFor(k.ApiVersion, k.Kind) is null).Select(k => k.ApiVersion + " " + k.Kind);
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_field_of_every_served_kind_names_a_field_of_its_model()
    {
        var strays = new SortedSet<string>();
        foreach (var kind in KindRegistry.All)
        {
            Walk(Schema.RootFor(kind.ApiVersion, kind.Kind)!, kind.ClrType, []);
        }

        Assert.Empty(strays);

        void Walk(MessageShape shape, Type model, HashSet<string> seen)
        {
            if (!seen.Add(shape.Name + model.Name))
            {
                return;
            }

            foreach (var field in shape.Fields.Values)
            {
                var child = field.Inline ? model : ModelSchema.Child(model, field.JsonName);
                if (child is null)
                {
                    strays.Add($"{shape.Name}.{field.JsonName} ({model.Name})");
                    continue;
                }

                var element = field.Type.Repeated ? ModelSchema.ElementOf(child) : field.Type.Map ? ModelSchema.Child(child, "") : child;
                if (field.Type.Message is { } message && element is not null && ModelSchema.IsModel(element))
                {
                    Walk(Schema.Find(message)!, element, seen);
                }
            }
        }
    }

    [Fact]
    public void A_deployment_keeps_a_zero_in_a_pointer_field_and_drops_zeros_go_always_writes()
    {
        var body = ProtoWriter.Envelope("apps/v1", "Deployment", d => d
            .Message(1, m => m.String(1, "web").String(2, "").String(3, "").Entry(11, "app", "web"))
            .Message(2, s => s
                .Number(1, 0)
                .Message(2, sel => sel.Entry(1, "app", "web"))
                .Message(3, t => t
                    .Message(1, m => m.Entry(11, "app", "web"))
                    .Message(2, p => p.Message(2, c => c
                        .String(1, "app").String(2, "kubeps/busybox:1").String(3, "sleep").String(3, "60")
                        .Message(6, port => port.Number(3, 8080).String(4, "TCP")))))
                .Number(5, 0)
                .Number(7, 0)));

        var deployment = Decode(body);

        Assert.Equal("apps/v1", (string?)deployment["apiVersion"]);
        Assert.Equal("Deployment", (string?)deployment["kind"]);
        Assert.Equal("""{"name":"web","labels":{"app":"web"}}""", deployment["metadata"]!.ToJsonString());
        var spec = deployment["spec"]!.AsObject();
        Assert.Equal(0, (int?)spec["replicas"]);
        Assert.False(spec.ContainsKey("minReadySeconds"));
        Assert.False(spec.ContainsKey("paused"));
        var container = spec["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("""["sleep","60"]""", container["command"]!.ToJsonString());
        Assert.Equal("""[{"containerPort":8080,"protocol":"TCP"}]""", container["ports"]!.ToJsonString());
    }

    [Fact]
    public void Int_or_strings_quantities_bytes_and_times_take_their_json_forms()
    {
        var service = Decode(ProtoWriter.Envelope("v1", "Service", s => s
            .Message(1, m => m.String(1, "web").Message(8, t => t.Number(1, 1_700_000_000)))
            .Message(2, spec => spec
                .Message(1, p => p.String(1, "http").Number(3, 80).Message(4, t => t.Number(1, 0).Number(2, 8080)))
                .Message(1, p => p.String(1, "admin").Number(3, 81).Message(4, t => t.Number(1, 1).String(3, "admin"))))));
        var quota = Decode(ProtoWriter.Envelope("v1", "ResourceQuota", q => q
            .Message(1, m => m.String(1, "small"))
            .Message(2, spec => spec.Message(1, e => e.String(1, "requests.cpu").Message(2, v => v.String(1, "1500m"))))));
        var secret = Decode(ProtoWriter.Envelope("v1", "Secret", s => s
            .Message(1, m => m.String(1, "login"))
            .Message(2, e => e.String(1, "password").Bytes(2, [0x00, 0xff, 0x41]))));

        Assert.Equal("2023-11-14T22:13:20Z", (string?)service["metadata"]!["creationTimestamp"]);
        Assert.Equal(8080, (int?)service["spec"]!["ports"]![0]!["targetPort"]);
        Assert.Equal("admin", (string?)service["spec"]!["ports"]![1]!["targetPort"]);
        Assert.Equal("1500m", (string?)quota["spec"]!["hard"]!["requests.cpu"]);
        Assert.Equal("AP9B", (string?)secret["data"]!["password"]);
    }

    [Fact]
    public void An_unknown_field_is_refused_naming_the_message_and_number()
    {
        var body = ProtoWriter.Envelope("v1", "ConfigMap", c => c.Message(1, m => m.String(1, "a")).String(99, "surprise"));

        var error = Assert.Throws<FormatException>(() => Decode(body));

        Assert.Contains("field 99 of core.v1.ConfigMap", error.Message);
    }

    [Theory]
    [InlineData("no magic", new byte[] { 0x0a, 0x00 })]
    [InlineData("truncated envelope", new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 0x76, 0x31 })]
    [InlineData("length beyond the body", new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f })]
    [InlineData("eleven-byte varint", new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    [InlineData("no kind", new byte[] { 0x6b, 0x38, 0x73, 0x00 })]
    public void Broken_bodies_are_refused(string why, byte[] body)
    {
        Assert.NotNull(why);
        Assert.Throws<FormatException>(() => Decode(body));
    }

    [Fact]
    public void Invalid_utf8_wrong_wire_types_and_unknown_kinds_are_refused()
    {
        var badName = ProtoWriter.Envelope("v1", "ConfigMap", c => c.Message(1, m => m.Bytes(1, [0xff, 0xfe])));
        var nameAsNumber = ProtoWriter.Envelope("v1", "ConfigMap", c => c.Message(1, m => m.Number(1, 5)));
        var unknownKind = ProtoWriter.Envelope("example.com/v1", "Widget", w => w.Message(1, m => m.String(1, "a")));

        Assert.Contains("UTF-8", Assert.Throws<FormatException>(() => Decode(badName)).Message);
        Assert.Contains("wire type", Assert.Throws<FormatException>(() => Decode(nameAsNumber)).Message);
        Assert.Contains("send it as JSON", Assert.Throws<FormatException>(() => Decode(unknownKind)).Message);
    }
}
