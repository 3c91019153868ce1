using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubePS.Module.Resources;

namespace KubePS.Module.Completion;

/// <summary>
/// Completes object names for any Kube cmdlet: the kind comes from -Kind when the command has one
/// (Get-KubeObject), else from its noun (Get-KubePod → Pod; Get-KubeLog and Invoke-KubeCommand
/// read pods), the namespace from -Namespace and the context from -Context when already typed.
/// </summary>
public sealed class ObjectNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kind = CompletionSource.KindOf(commandName, fakeBoundParameters);
        var givenNamespace = fakeBoundParameters["Namespace"] as string;
        return CompletionSource.Complete(wordToComplete, $"{kind}/{givenNamespace}", fakeBoundParameters, async (connection, ct) =>
        {
            var resource = await connection.Resources.ResolveAsync(kind, ct);
            var ns = resource.Namespaced ? givenNamespace ?? connection.Namespace : null;
            return (await connection.Client.ListAsync(resource, ns, null, null, ct)).Select(i => (string?)i["metadata"]?["name"]);
        });
    }
}
