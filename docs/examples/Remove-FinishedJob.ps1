#Requires -Modules KubePS
<#
.SYNOPSIS
    Scheduled cleanup of finished Jobs: removes Jobs of every namespace that completed (or failed)
    more than -OlderThan ago, with their pods.
.DESCRIPTION
    Unattended: -Confirm:$false, so nothing prompts; -WhatIf lists what it would remove. Jobs that
    belong to a CronJob are left to the CronJob's own history limits unless -IncludeCronJobs.
.EXAMPLE
    ./Remove-FinishedJob.ps1 -OlderThan 7.00:00:00 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [TimeSpan] $OlderThan = '1.00:00:00',
    [switch] $IncludeCronJobs
)

$ErrorActionPreference = 'Stop'
$now = [DateTime]::UtcNow
Get-KubeJob -AllNamespaces |
    Where-Object {
        $finished = $_.Status.Conditions | Where-Object { $_.Type -in 'Complete', 'Failed' -and $_.Status -eq 'True' }
        $finished -and ($now - $finished[0].LastTransitionTime.ToUniversalTime()) -gt $OlderThan
    } |
    Where-Object { $IncludeCronJobs -or -not ($_.Metadata.OwnerReferences | Where-Object Kind -eq CronJob) } |
    Remove-KubeJob -Confirm:$false -WhatIf:$WhatIfPreference
