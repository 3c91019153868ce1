#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and runs KubePS.
.DESCRIPTION
    Build  lays out the module in artifacts/KubePS (cmdlets, dependencies, views, engine/, node/)
           and builds the test projects.
    Test   builds, makes sure Docker runs, runs every xunit project and the Pester tests, and ends
           with one line: "N passed, N failed" (", N skipped" if any). Exits non-zero on any failure.
    Up     builds, makes sure Docker runs, starts a local cluster in ./.kubeps and runs a demo pod.
    Down   stops the local cluster in ./.kubeps; its data stays.
.PARAMETER Task
    Build, Test, Up or Down.
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Up
.EXAMPLE
    dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Up', 'Down')]
    [string] $Task = 'Build'
)

$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true
Set-Location $PSScriptRoot

$ModuleFolder = Join-Path $PSScriptRoot 'artifacts/KubePS'
$ResultsFolder = Join-Path $PSScriptRoot 'artifacts/test-results'
$DataPath = Join-Path $PSScriptRoot '.kubeps'
$TestImage = 'kubeps/busybox:1'
$TestProjects = 'Tests/KubePS.Core.Tests', 'Tests/KubePS.Engine.Tests', 'Tests/KubePS.NodeService.Tests', 'Tests/EndToEnd'
$BusyboxApplets = 'sh sleep httpd wget nc cat echo ls ps env hostname true false kill id mkdir rm grep sed head tail date timeout' -split ' '

function Invoke-Build {
    <# .SYNOPSIS Publishes the module, engine and node service into artifacts/KubePS and builds the tests. #>
    dotnet publish src/KubePS.Module/KubePS.Module.csproj -c Release -o $ModuleFolder --nologo -v quiet
    dotnet publish src/KubePS.Module/LoadContext/KubePS.LoadContext.csproj -c Release -o $ModuleFolder --nologo -v quiet
    dotnet publish src/KubePS.Engine/KubePS.Engine.csproj -c Release -o (Join-Path $ModuleFolder 'engine') --nologo -v quiet
    dotnet publish src/KubePS.NodeService/KubePS.NodeService.csproj -c Release -o (Join-Path $ModuleFolder 'node') --nologo -v quiet
    # Views and type members of every kind come from the kind registry; help from the cmdlets'
    # documentation comments, in a child shell that imports the module.
    dotnet pwsh -NoProfile -NonInteractive -File src/KubePS.Module/Formats/Write-Formats.ps1 -ModuleFolder $ModuleFolder
    dotnet pwsh -NoProfile -NonInteractive -File src/KubePS.Module/Help/Write-ModuleHelp.ps1 -ModuleFolder $ModuleFolder
    foreach ($project in $TestProjects) {
        dotnet build $project --nologo -v quiet
    }
}

function Initialize-Docker {
    <# .SYNOPSIS Makes sure a Docker Engine answers and the local test image exists. #>
    if (-not (Test-DockerEngine)) {
        if (-not ($IsLinux -and (Test-Path /etc/debian_version) -and (id -u) -eq '0')) {
            throw 'KubePS needs a running Docker Engine. Install Docker (Docker Desktop on Windows or macOS, docker.io or docker-ce on Linux), start it, and run this again.'
        }
        Write-Host 'Installing and starting Docker Engine...'
        apt-get update -qq
        apt-get install -y -qq docker.io iptables conntrack busybox-static
        # Detached from this shell's session so the daemon outlives it; there is no systemd here.
        # Swarm services (in the deploy benchmark) use local images instead of asking a registry.
        sh -c 'DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd </dev/null >/var/log/dockerd.log 2>&1 &'
        $deadline = (Get-Date).AddSeconds(60)
        while (-not (Test-DockerEngine)) {
            if ((Get-Date) -gt $deadline) { throw 'dockerd did not answer within 60 s; see /var/log/dockerd.log.' }
            Start-Sleep -Milliseconds 500
        }
    }
    if ($IsLinux -and -not (Get-Command conntrack -ErrorAction Ignore) -and (Test-Path /etc/debian_version) -and (id -u) -eq '0') {
        # The iptables service proxy deletes stale UDP flows with it.
        apt-get install -y -qq conntrack
    }
    docker image inspect $TestImage *> $null
    if ($LASTEXITCODE -ne 0) { New-TestImage }
}

function Test-DockerEngine {
    <# .SYNOPSIS Whether the docker CLI exists and its engine answers. #>
    if (-not (Get-Command docker -ErrorAction Ignore)) { return $false }
    docker version *> $null
    $LASTEXITCODE -eq 0
}

function New-TestImage {
    <# .SYNOPSIS Makes kubeps/busybox:1 from Debian's busybox-static: no registry is reachable here. #>
    if (-not (Test-Path /bin/busybox)) {
        if (-not ($IsLinux -and (Test-Path /etc/debian_version))) { throw "Building $TestImage needs /bin/busybox (Debian package busybox-static)." }
        apt-get install -y -qq busybox-static
    }
    $rootfs = Join-Path ([IO.Path]::GetTempPath()) "kubeps-busybox-$PID"
    New-Item -ItemType Directory (Join-Path $rootfs 'bin') -Force | Out-Null
    try {
        Copy-Item /bin/busybox (Join-Path $rootfs 'bin/busybox')
        foreach ($applet in $BusyboxApplets) {
            New-Item -ItemType SymbolicLink -Path (Join-Path $rootfs "bin/$applet") -Target busybox | Out-Null
        }
        sh -c "tar -C '$rootfs' -c . | docker import -c 'ENV PATH=/bin' - $TestImage" | Out-Null
    }
    finally {
        Remove-Item -Recurse -Force $rootfs
    }
}

function Invoke-Test {
    <# .SYNOPSIS Runs every xunit project and the Pester tests and prints one summary line. #>
    Invoke-Build
    Initialize-Docker
    Remove-Item -Recurse -Force $ResultsFolder -ErrorAction Ignore
    New-Item -ItemType Directory $ResultsFolder | Out-Null
    $PSNativeCommandUseErrorActionPreference = $false
    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $brokenRunners = @()

    foreach ($project in $TestProjects) {
        $name = Split-Path $project -Leaf
        $trx = Join-Path $ResultsFolder "$name.trx"
        dotnet test $project --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory $ResultsFolder
        if (Test-Path $trx) { Add-Counts $totals (Read-TrxCounts $trx) } else { $brokenRunners += $name }
    }

    $pesterXml = Join-Path $ResultsFolder 'Pester.xml'
    Invoke-PesterInChild $pesterXml
    if (Test-Path $pesterXml) { Add-Counts $totals (Read-NUnitCounts $pesterXml) } else { $brokenRunners += 'Pester' }

    foreach ($runner in $brokenRunners) { Write-Host "Runner produced no results: $runner" -ForegroundColor Red }
    $summary = "$($totals.Passed) passed, $($totals.Failed + $brokenRunners.Count) failed"
    if ($totals.Skipped) { $summary += ", $($totals.Skipped) skipped" }
    Write-Host $summary
    if ($totals.Failed -or $brokenRunners) { exit 1 }
}

function Invoke-PesterInChild([string] $ResultPath) {
    <# .SYNOPSIS Runs Tests/Pester in a fresh pwsh, as a user meets the module, writing NUnit XML. #>
    dotnet restore Tests/Pester/Pester.Restore.csproj --nologo -v quiet
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    $script = @"
Import-Module '$pester'
`$configuration = New-PesterConfiguration
`$configuration.Run.Path = '$(Join-Path $PSScriptRoot 'Tests/Pester')'
`$configuration.Run.Exit = `$true
`$configuration.Output.Verbosity = 'Detailed'
`$configuration.TestResult.Enabled = `$true
`$configuration.TestResult.OutputFormat = 'NUnitXml'
`$configuration.TestResult.OutputPath = '$ResultPath'
Invoke-Pester -Configuration `$configuration
"@
    dotnet pwsh -NoProfile -NonInteractive -Command $script
}

function Read-TrxCounts([string] $Path) {
    <# .SYNOPSIS Passed, failed and skipped counts from a Visual Studio test results file. #>
    $counters = ([xml](Get-Content -Raw $Path)).TestRun.ResultSummary.Counters
    @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout; Skipped = [int]$counters.notExecuted }
}

function Read-NUnitCounts([string] $Path) {
    <# .SYNOPSIS Passed, failed and skipped counts from Pester's NUnit XML, counted per test case. #>
    $results = ([xml](Get-Content -Raw $Path)).SelectNodes('//test-case') | ForEach-Object result
    @{
        Passed  = @($results | Where-Object { $_ -eq 'Success' }).Count
        Failed  = @($results | Where-Object { $_ -in 'Failure', 'Error' }).Count
        Skipped = @($results | Where-Object { $_ -notin 'Success', 'Failure', 'Error' }).Count
    }
}

function Add-Counts($Totals, $Counts) {
    <# .SYNOPSIS Adds one runner's counts to the totals. #>
    foreach ($key in 'Passed', 'Failed', 'Skipped') { $Totals[$key] += $Counts[$key] }
}

function Invoke-Up {
    <# .SYNOPSIS Starts the local cluster in ./.kubeps and runs a demo pod that says hello. #>
    Invoke-Build
    Initialize-Docker
    Import-Module (Join-Path $PSScriptRoot 'KubePS.psd1') -Force
    Start-KubeCluster -DataPath $DataPath | Out-Host
    if (-not (Get-KubePod -Name demo -ErrorAction Ignore)) {
        New-KubePod -Name demo -Image $TestImage -Command sh, -c, 'echo hello from KubePS; sleep 3600' | Out-Null
    }
    $deadline = (Get-Date).AddSeconds(60)
    while ((Get-KubePod -Name demo).Status.Phase -ne 'Running') {
        if ((Get-Date) -gt $deadline) { throw 'The demo pod did not reach Running within 60 s.' }
        Start-Sleep -Milliseconds 500
    }
    Get-KubePod | Out-Host
    Get-KubeLog -Name demo
    Write-Host "Cluster data in $DataPath. Stop it with: dotnet pwsh -NoProfile -File ./build.ps1 -Task Down"
}

function Invoke-Down {
    <# .SYNOPSIS Stops the local cluster in ./.kubeps, leaving its data. #>
    Import-Module (Join-Path $PSScriptRoot 'KubePS.psd1') -Force
    Stop-KubeCluster -DataPath $DataPath
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Up' { Invoke-Up }
    'Down' { Invoke-Down }
}
