<#
.SYNOPSIS
    Times Get-KubePod over 1,000 pods against kubectl get pods on the same cluster, and writes
    bench/results/module.md. Target: Get-KubePod no slower than kubectl.
.DESCRIPTION
    Starts a local cluster of its own (one node) in a temporary folder, creates the pods in one
    kubectl apply (with a node selector no node has, so they stay Pending and no container starts),
    then times each command -Runs times and reports the medians. kubectl's time includes starting
    its process, as a user at the prompt pays it; Get-KubePod runs in the warm session, as a user at
    the prompt runs it (its first call, which loads the module's assemblies, is reported apart).
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/module/Measure-GetKubePod.ps1
#>
param(
    [int] $Pods = 1000,
    [int] $Runs = 7
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
. (Join-Path $root 'Tests/Pester/TestCluster.ps1')
Import-Module (Join-Path $root 'KubePS.psd1') -Force
$settings = New-TestClusterSettings
$settings.ClusterName = $settings.ClusterName -replace '^pester', 'bench'
Start-KubeCluster @settings | Out-Null
$kubeconfig = Join-Path $settings.DataPath 'kubeconfig'

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][Math]::Floor($Values.Count / 2)] }

function Measure-Median([scriptblock] $Command) {
    Get-Median @(1..$Runs | ForEach-Object { (Measure-Command $Command).TotalMilliseconds })
}

try {
    $list = @{ apiVersion = 'v1'; kind = 'List'; items = @(1..$Pods | ForEach-Object {
                @{ apiVersion = 'v1'; kind = 'Pod'; metadata = @{ name = "bench-$_"; labels = @{ app = 'bench' } }
                    spec = @{ nodeSelector = @{ bench = 'nowhere' }; containers = @(@{ name = 'main'; image = 'kubeps/busybox:1' }) } } }) }
    $list | ConvertTo-Json -Depth 10 | kubectl --kubeconfig $kubeconfig apply --validate=false -f - | Out-Null
    Wait-Until { (kubectl --kubeconfig $kubeconfig get pods -o name | Measure-Object).Count -ge $Pods } 120

    $first = (Measure-Command { Get-KubePod | Out-Null }).TotalMilliseconds
    $results = [ordered]@{
        'Get-KubePod (objects)'                     = Measure-Median { Get-KubePod | Out-Null }
        'Get-KubePod \| Out-String (the table)'     = Measure-Median { Get-KubePod | Out-String | Out-Null }
        'kubectl get pods'                          = Measure-Median { kubectl --kubeconfig $kubeconfig get pods | Out-Null }
        'kubectl get pods -o json \| ConvertFrom-Json' = Measure-Median { kubectl --kubeconfig $kubeconfig get pods -o json | ConvertFrom-Json | Out-Null }
    }

    $os = (Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace 'PRETTY_NAME=|"', ''
    $kubectlVersion = (kubectl version --client -o json | ConvertFrom-Json).clientVersion.gitVersion
    $lines = @(
        '# Module benchmark: Get-KubePod over 1,000 pods'
        ''
        "Run $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, $os, PowerShell $($PSVersionTable.PSVersion), kubectl $kubectlVersion;"
        "$Pods pods in one namespace of a local cluster, median of $Runs runs each, with ``bench/module/Measure-GetKubePod.ps1``."
        ''
        '| command | median ms |'
        '|---|---:|'
        ($results.GetEnumerator() | ForEach-Object { '| {0} | {1:0} |' -f $_.Key, $_.Value })
        ''
        ('The first Get-KubePod of the session (loading the module''s assemblies) took {0:0} ms.' -f $first)
        ''
        '## Against the target'
        ''
        '| target | measured | |'
        '|---|---|---|'
        ('| Get-KubePod over 1,000 pods no slower than kubectl get pods | {0:0} ms (table: {1:0} ms) vs {2:0} ms | {3} |' -f
            $results['Get-KubePod (objects)'], $results['Get-KubePod \| Out-String (the table)'], $results['kubectl get pods'],
            $(if ($results['Get-KubePod \| Out-String (the table)'] -le $results['kubectl get pods']) { 'met' } else { 'missed' }))
    )
    $report = Join-Path $root 'bench/results/module.md'
    Set-Content -Path $report -Value $lines
    Get-Content $report
}
finally {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}
