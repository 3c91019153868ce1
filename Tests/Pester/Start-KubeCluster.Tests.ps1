BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    $cluster = Start-KubeCluster @settings
    $node = "$($settings.ClusterName)-node-1"
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'Import-Module' {
    It 'exports the cluster, pod, node, log and namespace cmdlets' {
        (Get-Command -Module KubePS).Name | Should -Contain 'Start-KubeCluster'
        (Get-Command -Module KubePS).Name | Should -Contain 'Get-KubeLog'
    }
}

Describe 'Start-KubeCluster' {
    It 'returns the cluster with its engine and node' {
        $cluster.EnginePid | Should -BeGreaterThan 0
        $cluster.Nodes | Should -Be @($node)
        Test-Path $cluster.KubeConfig | Should -BeTrue
    }

    It 'leaves a Ready node' {
        $found = Get-KubeNode -Name $node
        [KubePS.Module.Formatting.Columns]::NodeStatus($found) | Should -Be 'Ready'
    }

    It 'changes nothing when run again' {
        $again = Start-KubeCluster -DataPath $settings.DataPath
        $again.EnginePid | Should -Be $cluster.EnginePid
        $again.Nodes | Should -Be $cluster.Nodes
    }

    It 'starts nothing with -WhatIf' {
        $other = New-TestClusterSettings
        Start-KubeCluster @other -WhatIf
        Test-Path $other.DataPath | Should -BeFalse
    }

    It 'serves kubectl with the kubeconfig it wrote' {
        $cache = Join-Path $settings.DataPath 'kubectl-cache'
        $output = kubectl --kubeconfig $cluster.KubeConfig --cache-dir $cache get nodes
        $LASTEXITCODE | Should -Be 0
        $output -join "`n" | Should -Match $node
    }
}

Describe 'Stop-KubeCluster' {
    It 'stops the engine and node and leaves the data' {
        $enginePid = [int](Get-Content (Join-Path $settings.DataPath 'engine/engine.pid'))
        $nodePid = [int](Get-Content (Join-Path $settings.DataPath "nodes/$node/node.pid"))
        Stop-KubeCluster -DataPath $settings.DataPath
        Test-ProcessAlive $enginePid | Should -BeFalse
        Test-ProcessAlive $nodePid | Should -BeFalse
        Test-Path (Join-Path $settings.DataPath 'kubeconfig') | Should -BeTrue
    }

    It 'starts again on the same data' {
        $restarted = Start-KubeCluster -DataPath $settings.DataPath
        $restarted.EnginePid | Should -Not -Be $cluster.EnginePid
        (Get-KubeNamespace -Name default).Name | Should -Be 'default'
    }
}
