using KubePS.Core.Selectors;

namespace KubePS.Core.Tests;

public sealed class FieldSelectorTests
{
    private static string Fields(string path) => path switch
    {
        "metadata.name" => "web",
        "status.phase" => "Running",
        _ => "",
    };

    [Theory]
    [InlineData("metadata.name=web", true)]
    [InlineData("metadata.name==web", true)]
    [InlineData("metadata.name!=web", false)]
    [InlineData("status.phase!=Succeeded,status.phase!=Failed", true)]
    [InlineData("spec.nodeName=", true)]
    [InlineData("metadata.name=web,status.phase=Pending", false)]
    public void Matches_equality_and_inequality(string selector, bool expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Fields));
    }

    [Fact]
    public void Rejects_a_term_without_an_operator()
    {
        Assert.Throws<FormatException>(() => FieldSelector.Parse("metadata.name"));
    }
}
