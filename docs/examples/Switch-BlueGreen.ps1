#Requires -Modules KubePS
<#
.SYNOPSIS
    Blue/green release: rolls the idle one of two Deployments (web-blue, web-green) to a new image,
    waits until it is fully available, then points the Service at it. The live one keeps serving
    until the switch, and stays as it was for a quick switch back.
.DESCRIPTION
    The Service selects app=<App>,track=<blue|green>; each Deployment's pods carry their track
    label. Run it again with the old image (or -SwitchBackOnly) to go back.
.EXAMPLE
    ./Switch-BlueGreen.ps1 -App web -Image registry.local/web:2.1
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $App,
    [string] $Image,
    [string] $Namespace = 'default',
    [int] $TimeoutSeconds = 300,
    [switch] $SwitchBackOnly
)

$ErrorActionPreference = 'Stop'
$service = Get-KubeService -Name $App -Namespace $Namespace
$live = $service.Spec.Selector['track']
$idle = if ($live -eq 'blue') { 'green' } else { 'blue' }

if (-not $SwitchBackOnly) {
    Set-KubeDeployment -Name "$App-$idle" -Namespace $Namespace -Image $Image
    # Fails (and so stops the script before the switch) when the rollout misses its deadline.
    Wait-KubeDeployment -Name "$App-$idle" -Namespace $Namespace -Timeout $TimeoutSeconds
}

if ($PSCmdlet.ShouldProcess("service $Namespace/$App", "Switch from $live to $idle")) {
    Set-KubeService -Name $App -Namespace $Namespace -Selector @{ app = $App; track = $idle }
    Write-Output "Service $App now sends traffic to $App-$idle."
}
