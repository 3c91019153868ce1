using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace KubePS.Module.Completion;

/// <summary>Completes kind names (Deployment, ConfigMap, ...) from the connected server's discovery documents.</summary>
public sealed class KindCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSource.Complete(wordToComplete, "kinds", fakeBoundParameters, async (connection, ct) =>
            (await connection.Resources.AllAsync(ct)).Select(r => (string?)r.Kind).Distinct());
}
