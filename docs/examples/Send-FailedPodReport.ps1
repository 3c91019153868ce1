#Requires -Modules KubePS
<#
.SYNOPSIS
    Nightly report of failed pods: every pod of every namespace that failed, cannot start, or keeps
    restarting, with its last event, written to a CSV file.
.DESCRIPTION
    Meant for a scheduled task (Task Scheduler, cron, a systemd timer) running
    `pwsh -NonInteractive -File Send-FailedPodReport.ps1`. With $ErrorActionPreference = 'Stop', any
    failure (no kubeconfig, an unreachable cluster) ends the script with exit code 1, which the
    scheduler records as a failed run; a run that wrote its report exits 0.
.EXAMPLE
    ./Send-FailedPodReport.ps1 -KubeConfig ~/.kube/prod -ReportFolder /var/reports
#>
param(
    [string] $KubeConfig,
    [string] $ReportFolder = '.',
    [int] $RestartThreshold = 5
)

$ErrorActionPreference = 'Stop'
if ($KubeConfig) { Connect-KubeCluster -KubeConfig $KubeConfig } else { Connect-KubeCluster }

# Status prints and compares as kubectl's STATUS column; Restarts is a number.
$broken = 'Failed', 'Error', 'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'OOMKilled'
$failed = Get-KubePod -AllNamespaces |
    Where-Object { $_.Status -in $broken -or $_.Restarts -gt $RestartThreshold }

$report = Join-Path $ReportFolder ("failed-pods-{0:yyyy-MM-dd}.csv" -f (Get-Date))
$failed |
    Select-Object Namespace, Name, @{ n = 'Status'; e = { "$($_.Status)" } }, Restarts, Node,
        @{ n = 'LastEvent'; e = { (Get-KubeEvent -Object $_ | Select-Object -Last 1).Message } } |
    Export-Csv -Path $report -NoTypeInformation
Write-Output "$($failed.Count) failed pod(s); report in $report"
