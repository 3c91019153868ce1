# The module's root: loads the cmdlets into the module's own AssemblyLoadContext (see
# LoadContext/ModuleLoadContext.cs), so their dependencies cannot clash with another module's, then
# exports them as this module's cmdlets. KubernetesClient is imported too, only so that PowerShell
# resolves its types by name ([k8s.Models.V1Pod]) from that context.
Add-Type -Path (Join-Path $PSScriptRoot 'KubePS.LoadContext.dll')
$cmdlets = [KubePS.LoadContext.ModuleLoadContext]::LoadModule((Join-Path $PSScriptRoot 'KubePS.Module.dll'))
$types = [KubePS.LoadContext.ModuleLoadContext]::LoadDependency('KubernetesClient')

# Import-Module -Force runs this file again while the assemblies' modules from the last import are
# still loaded; they are removed first, or their cmdlets would not be imported here again.
Get-Module -All | Where-Object { $_.ImplementingAssembly -in $cmdlets, $types } | Remove-Module -Force
Import-Module -Assembly $cmdlets
Import-Module -Assembly $types
Export-ModuleMember -Cmdlet *
