# KubePS's dependencies load in the module's own AssemblyLoadContext: a session where another module
# loaded a different YamlDotNet first still reads and writes Kubernetes YAML, and the other module
# keeps its own YamlDotNet. Each case runs in a fresh pwsh, since one process can load KubePS once.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $script:oldYaml = Join-Path $packages 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'

    function Invoke-FreshShell([string] $Script) {
        Push-Location $RepoRoot
        try { dotnet pwsh -NoProfile -NonInteractive -Command $Script 2>&1 }
        finally { Pop-Location }
    }
}

Describe 'Dependency isolation' {
    It 'works after another module loaded YamlDotNet 11, and leaves that module its YamlDotNet' {
        Test-Path $oldYaml | Should -BeTrue -Because 'Tests/Pester/Pester.Restore.csproj downloads it'
        $output = Invoke-FreshShell @"
Add-Type -Path '$oldYaml'
Import-Module ./KubePS.psd1
`$yaml = "apiVersion: v1``nkind: ConfigMap``nmetadata: { name: isolated }``ndata: { a: b }" | ConvertFrom-KubeYaml | ConvertTo-KubeYaml
'round-trip: ' + ((`$yaml -split "``n") -join '|')
'kubernetesclient-context: ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([k8s.Models.V1Pod].Assembly).Name
`$theirs = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize[object]('a: 1')
'their-yaml: ' + `$theirs['a'] + ' from ' + [YamlDotNet.Serialization.Deserializer].Assembly.GetName().Version
"@
        $output | Should -Contain 'round-trip: apiVersion: v1|kind: ConfigMap|metadata:|  name: isolated|data:|  a: b|'
        $output | Should -Contain 'kubernetesclient-context: KubePS'
        $output | Should -Contain 'their-yaml: 1 from 11.0.0.0'
    }

    It 'loads again with Import-Module -Force in the same session' {
        $output = Invoke-FreshShell @"
Import-Module ./KubePS.psd1
Import-Module ./KubePS.psd1 -Force
'cmdlets: ' + (Get-Command -Module KubePS -Name Get-KubeObject).Name
'yaml: ' + ("apiVersion: v1``nkind: Namespace``nmetadata: { name: again }" | ConvertFrom-KubeYaml).Metadata.Name
"@
        $output | Should -Contain 'cmdlets: Get-KubeObject'
        $output | Should -Contain 'yaml: again'
    }
}
