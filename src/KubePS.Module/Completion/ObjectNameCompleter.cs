using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubePS.Module.Resources;
using KubePS.Module.Session;

namespace KubePS.Module.Completion;

/// <summary>
/// Completes object names for any Kube cmdlet: the kind comes from -Kind when the command has one
/// (Get-KubeObject), else from its noun (Get-KubePod → Pod; Get-KubeLog and Invoke-KubeCommand
/// read pods), the namespace from -Namespace when already typed.
/// </summary>
public sealed class ObjectNameCompleter : IArgumentCompleter
{
    private static readonly Dictionary<string, string> NounKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KubeLog"] = "Pod",
        ["KubeCommand"] = "Pod",
        ["KubePodMetric"] = "Pod",
        ["KubeNodeMetric"] = "Node",
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var noun = commandName[(commandName.IndexOf('-', StringComparison.Ordinal) + 1)..];
        var kind = fakeBoundParameters["Kind"] as string
            ?? (NounKinds.TryGetValue(noun, out var known) ? known : noun.StartsWith("Kube", StringComparison.OrdinalIgnoreCase) ? noun[4..] : noun);
        var givenNamespace = fakeBoundParameters["Namespace"] as string;
        return CompletionSource.Complete(wordToComplete, $"{kind}/{givenNamespace}", async (connection, ct) =>
        {
            var resource = await connection.Resources.ResolveAsync(kind, ct);
            var ns = resource.Namespaced ? givenNamespace ?? connection.Namespace : null;
            return (await connection.Client.ListAsync(resource, ns, null, null, ct)).Select(i => (string?)i["metadata"]?["name"]);
        });
    }
}
