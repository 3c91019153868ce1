# Shared fixture of the Pester tests: a cluster of its own on a temporary folder, free ports and
# node names unique to this run, so it never touches another cluster's containers on the same Docker.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-TestClusterSettings {
    $id = -join ((97..122) | Get-Random -Count 6 | ForEach-Object { [char]$_ })
    @{
        DataPath    = Join-Path ([IO.Path]::GetTempPath()) "kubeps-pester-$id"
        Port        = Get-FreePort
        NodePort    = Get-FreePort
        ClusterName = "pester-$id"
    }
}

function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds = 90) {
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ((Get-Date) -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for: $Condition" }
        Start-Sleep -Milliseconds 500
    }
}

function Test-ProcessAlive([int] $Id) {
    # A stopped process that nobody reaped yet is a zombie: it has no command line any more.
    $cmdline = "/proc/$Id/cmdline"
    if ($IsLinux) { return (Test-Path $cmdline) -and (Get-Content -Raw $cmdline).Length -gt 0 }
    $null -ne (Get-Process -Id $Id -ErrorAction Ignore)
}

function Get-NodeContainers([string] $Node, [string] $Pod) {
    docker ps -aq --filter "label=io.kubernetes.pod.name=$Pod" --filter "label=io.kubeps.node=$Node"
}

function Remove-TestClusterContainers([string] $ClusterName) {
    # Stopping a cluster leaves its pods' containers running, as a node restart would need them;
    # a finished test removes them so later tests do not share the machine with them.
    docker ps -a --filter label=io.kubeps.node --format '{{.ID}} {{.Label "io.kubeps.node"}}' |
        Where-Object { ($_ -split ' ')[1] -like "$ClusterName*" } |
        ForEach-Object { docker rm -f ($_ -split ' ')[0] | Out-Null }
}
