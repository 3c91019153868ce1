# The module's manifest. build.ps1 publishes it with the module into artifacts/KubePS/; KubePS.psd1 at
# the repository root loads that copy, so `Import-Module ./KubePS.psd1` works from a clone.
@{
    RootModule           = 'KubePS.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f0d8a52-7c1e-4b7e-9a52-6d0b6f2e4c11'
    Author               = 'KubePS contributors'
    Description          = 'Kubernetes re-done in C#, driven from PowerShell: a local cluster and cmdlets for its API.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The Kinds files are generated at build time from the kind registry (Formats/Write-Formats.ps1).
    TypesToProcess       = @('Formats/KubePS.Kinds.Types.ps1xml')
    FormatsToProcess     = @('Formats/KubePS.Format.ps1xml', 'Formats/KubePS.Kinds.Format.ps1xml')
    CmdletsToExport      = @(
        'Start-KubeCluster', 'Stop-KubeCluster', 'Connect-KubeCluster', 'Disconnect-KubeCluster', 'Get-KubeCluster',
        'Get-KubeContext', 'Set-KubeContext',
        'Get-KubeNode', 'New-KubeNode', 'Set-KubeNode', 'Remove-KubeNode',
        'Get-KubePod', 'New-KubePod', 'Set-KubePod', 'Remove-KubePod', 'Wait-KubePod', 'Get-KubeLog', 'Invoke-KubeCommand',
        'Get-KubePodMetric', 'Get-KubeNodeMetric', 'Import-KubeImage',
        'Get-KubeNamespace', 'New-KubeNamespace', 'Set-KubeNamespace', 'Remove-KubeNamespace',
        'Get-KubeConfigMap', 'New-KubeConfigMap', 'Set-KubeConfigMap', 'Remove-KubeConfigMap',
        'Get-KubeSecret', 'New-KubeSecret', 'Set-KubeSecret', 'Remove-KubeSecret',
        'Get-KubePersistentVolume', 'New-KubePersistentVolume', 'Set-KubePersistentVolume', 'Remove-KubePersistentVolume',
        'Get-KubePersistentVolumeClaim', 'New-KubePersistentVolumeClaim', 'Set-KubePersistentVolumeClaim', 'Remove-KubePersistentVolumeClaim',
        'Get-KubeDeployment', 'New-KubeDeployment', 'Set-KubeDeployment', 'Remove-KubeDeployment',
        'Wait-KubeDeployment', 'Undo-KubeDeployment', 'Restart-KubeDeployment', 'Suspend-KubeDeployment', 'Resume-KubeDeployment',
        'Get-KubeReplicaSet', 'New-KubeReplicaSet', 'Set-KubeReplicaSet', 'Remove-KubeReplicaSet', 'Get-KubeEvent',
        'Get-KubeStatefulSet', 'New-KubeStatefulSet', 'Set-KubeStatefulSet', 'Remove-KubeStatefulSet',
        'Get-KubeDaemonSet', 'New-KubeDaemonSet', 'Set-KubeDaemonSet', 'Remove-KubeDaemonSet',
        'Get-KubeJob', 'New-KubeJob', 'Set-KubeJob', 'Remove-KubeJob',
        'Get-KubeCronJob', 'New-KubeCronJob', 'Set-KubeCronJob', 'Remove-KubeCronJob',
        'Get-KubeService', 'New-KubeService', 'Set-KubeService', 'Remove-KubeService', 'Get-KubeEndpoints',
        'Suspend-KubeNode', 'Resume-KubeNode',
        'Get-KubeHorizontalPodAutoscaler', 'New-KubeHorizontalPodAutoscaler', 'Set-KubeHorizontalPodAutoscaler', 'Remove-KubeHorizontalPodAutoscaler',
        'Get-KubeResourceQuota', 'New-KubeResourceQuota', 'Set-KubeResourceQuota', 'Remove-KubeResourceQuota',
        'Get-KubeLimitRange', 'New-KubeLimitRange', 'Set-KubeLimitRange', 'Remove-KubeLimitRange',
        'Get-KubeObject', 'Remove-KubeObject', 'Watch-KubeObject', 'Publish-KubeManifest', 'Export-KubeManifest',
        'ConvertTo-KubeYaml', 'ConvertFrom-KubeYaml'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{ PSData = @{ Tags = @('Kubernetes', 'Containers', 'Docker') } }
}
