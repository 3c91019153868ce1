using KubePS.Core.Kinds;
using KubePS.Core.Validation;
using k8s.Models;

namespace KubePS.Core.Tests;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1.example", true)]
    [InlineData("Web", false)]
    [InlineData("web_1", false)]
    [InlineData("-web", false)]
    [InlineData("web.", false)]
    public void Dns1123_subdomains(string name, bool valid)
    {
        Assert.Equal(valid, !NameRules.CheckDns1123Subdomain(name).Any());
    }

    [Fact]
    public void Dns1123_subdomains_are_limited_to_253_characters_and_labels_to_63()
    {
        Assert.Empty(NameRules.CheckDns1123Subdomain(new string('a', 253)));
        Assert.NotEmpty(NameRules.CheckDns1123Subdomain(new string('a', 254)));
        Assert.Empty(NameRules.CheckDns1123Label(new string('a', 63)));
        Assert.NotEmpty(NameRules.CheckDns1123Label(new string('a', 64)));
        Assert.NotEmpty(NameRules.CheckDns1123Label("a.b"));
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("example.com/app", true)]
    [InlineData("Example.com/app", false)]
    [InlineData("/app", false)]
    [InlineData("a/b/c", false)]
    [InlineData("app_name.v1", true)]
    [InlineData("-app", false)]
    public void Label_keys(string key, bool valid)
    {
        Assert.Equal(valid, !NameRules.CheckQualifiedName(key).Any());
    }

    [Fact]
    public void Label_key_names_and_values_are_limited_to_63_characters()
    {
        Assert.Empty(NameRules.CheckQualifiedName(new string('k', 63)));
        Assert.NotEmpty(NameRules.CheckQualifiedName(new string('k', 64)));
        Assert.Empty(NameRules.CheckQualifiedName(new string('p', 253) + "/k"));
        Assert.NotEmpty(NameRules.CheckQualifiedName(new string('p', 254) + "/k"));
        Assert.Empty(NameRules.CheckLabelValue(""));
        Assert.Empty(NameRules.CheckLabelValue(new string('v', 63)));
        Assert.NotEmpty(NameRules.CheckLabelValue(new string('v', 64)));
        Assert.NotEmpty(NameRules.CheckLabelValue("has space"));
    }

    [Fact]
    public void Namespace_names_must_be_labels_while_pod_names_may_contain_dots()
    {
        Assert.NotEmpty(ObjectValidator.ValidateMetadata(KindRegistry.Namespace, new V1ObjectMeta { Name = "a.b" }));
        Assert.Empty(ObjectValidator.ValidateMetadata(KindRegistry.Pod, new V1ObjectMeta { Name = "a.b" }));
    }

    [Fact]
    public void Pod_specs_need_containers_with_unique_names_and_images()
    {
        var errors = ObjectValidator.ValidatePodSpec(new V1PodSpec
        {
            RestartPolicy = "Sometimes",
            Containers = [new V1Container { Name = "a", Image = "x" }, new V1Container { Name = "a" }],
        });
        Assert.Equal(
            ["spec.containers[1].name", "spec.containers[1].image", "spec.restartPolicy"],
            errors.Select(e => e.Field));
        Assert.Equal("FieldValueNotSupported", errors[2].Reason);
        Assert.Equal("spec.containers", Assert.Single(ObjectValidator.ValidatePodSpec(new V1PodSpec())).Field);
    }
}
