using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using KubePS.Module.Resources;

namespace KubePS.Module.Completion;

/// <summary>
/// Completes -Container with the containers of the object -Name names: a pod's (init containers
/// too, whose logs can be read), or those of a workload's pod template.
/// </summary>
public sealed class ContainerCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters["Name"] switch
        {
            string one => one,
            string[] { Length: > 0 } many => many[0],
            object[] { Length: > 0 } many => many[0] as string,
            _ => null,
        };
        if (name is null)
        {
            return [];
        }

        var kind = CompletionSource.KindOf(commandName, fakeBoundParameters);
        var givenNamespace = fakeBoundParameters["Namespace"] as string;
        return CompletionSource.Complete(wordToComplete, $"containers/{kind}/{givenNamespace}/{name}", fakeBoundParameters, async (connection, ct) =>
        {
            var resource = await connection.Resources.ResolveAsync(kind, ct);
            var obj = await connection.Client.GetAsync(resource, resource.Namespaced ? givenNamespace ?? connection.Namespace : null, name, ct);
            var pod = obj["spec"]?["template"]?["spec"] ?? obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] ?? obj["spec"];
            return new[] { "containers", "initContainers" }
                .SelectMany(list => pod?[list] is JsonArray containers ? containers.Select(c => (string?)c?["name"]) : []);
        });
    }
}
