BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings | Out-Null
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'ConfigMap cmdlets' {
    It 'creates, reads, changes and removes a ConfigMap' {
        New-KubeConfigMap -Name app -Data @{ mode = 'fast'; level = 3 } | Out-Null
        (Get-KubeConfigMap -Name app).Data['level'] | Should -Be '3'

        $changed = Set-KubeConfigMap -Name app -Data @{ mode = 'slow' } -PassThru
        $changed.Data.Keys | Should -Be @('mode')
        $changed.Data['mode'] | Should -Be 'slow'
        (Get-KubeConfigMap | Out-String) | Should -Match 'NAME\s+DATA\s+AGE'

        Get-KubeConfigMap -Name app | Remove-KubeConfigMap -Wait
        Get-KubeConfigMap -Name app -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'replaces a ConfigMap from a changed object and refuses a stale one' {
        New-KubeConfigMap -Name edited -Data @{ a = '1' } | Out-Null
        $first = Get-KubeConfigMap -Name edited
        $stale = Get-KubeConfigMap -Name edited
        $first.Data['b'] = '2'
        $first | Set-KubeConfigMap
        (Get-KubeConfigMap -Name edited).Data['b'] | Should -Be '2'

        $stale.Data['c'] = '3'
        $stale | Set-KubeConfigMap -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.Conflict,*'
        (Get-KubeConfigMap -Name edited).Data.ContainsKey('c') | Should -BeFalse
    }

    It 'changes nothing with -WhatIf' {
        New-KubeConfigMap -Name kept -Data @{ a = '1' } | Out-Null
        Set-KubeConfigMap -Name kept -Data @{ a = '2' } -WhatIf
        Remove-KubeConfigMap -Name kept -WhatIf
        (Get-KubeConfigMap -Name kept).Data['a'] | Should -Be '1'
    }
}

Describe 'Secret cmdlets' {
    It 'stores values that read back as the same bytes' {
        New-KubeSecret -Name db -Data @{ password = 's3cret' } | Out-Null
        $secret = Get-KubeSecret -Name db
        $secret.Type | Should -Be 'Opaque'
        [Text.Encoding]::UTF8.GetString($secret.Data['password']) | Should -Be 's3cret'
        Set-KubeSecret -Name db -Data @{ password = 'n3w' } -Labels @{ rotated = 'yes' }
        $rotated = Get-KubeSecret -LabelSelector rotated=yes
        [Text.Encoding]::UTF8.GetString($rotated.Data['password']) | Should -Be 'n3w'
        Remove-KubeSecret -Name db
    }
}

Describe 'PersistentVolumeClaim and PersistentVolume cmdlets' {
    It 'provisions a claim from the default class and releases its volume with it' {
        New-KubePersistentVolumeClaim -Name data -Size 1Gi | Out-Null
        Wait-Until { (Get-KubePersistentVolumeClaim -Name data).Status.Phase -eq 'Bound' } -TimeoutSeconds 30
        $claim = Get-KubePersistentVolumeClaim -Name data
        $claim.Spec.StorageClassName | Should -Be 'local-path'
        $volume = Get-KubePersistentVolume -Name $claim.Spec.VolumeName
        $volume.Spec.ClaimRef.Name | Should -Be 'data'

        Remove-KubePersistentVolumeClaim -Name data -Wait
        Wait-Until { -not (Get-KubePersistentVolume -Name $volume.Name -ErrorAction SilentlyContinue) } -TimeoutSeconds 30
    }

    It 'creates, labels and removes a hostPath volume' {
        New-KubePersistentVolume -Name manual -Size 2Gi -HostPath (Join-Path $settings.DataPath 'manual') -StorageClass manual | Out-Null
        Set-KubePersistentVolume -Name manual -Labels @{ tier = 'slow' }
        (Get-KubePersistentVolume -LabelSelector tier=slow).Name | Should -Be 'manual'
        (Get-KubePersistentVolume -Name manual | Out-String) | Should -Match 'RECLAIM POLICY'
        Remove-KubePersistentVolume -Name manual -Wait
        Get-KubePersistentVolume -Name manual -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
