BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    $cluster = Start-KubeCluster @settings
    $node = "$($settings.ClusterName)-node-1"
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
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
    BeforeAll {
        New-KubePod -Name survivor -Image kubeps/busybox:1 -Command sh, -c, 'echo still here; sleep 3600' | Out-Null
        Wait-Until { (Get-KubePod -Name survivor).Status.Phase -eq 'Running' } -TimeoutSeconds 60
    }

    It 'stops the engine and node and leaves the data' {
        $enginePid = [int](Get-Content (Join-Path $settings.DataPath 'engine/engine.pid'))
        $nodePid = [int](Get-Content (Join-Path $settings.DataPath "nodes/$node/node.pid"))
        Stop-KubeCluster -DataPath $settings.DataPath
        Test-ProcessAlive $enginePid | Should -BeFalse
        Test-ProcessAlive $nodePid | Should -BeFalse
        Test-Path (Join-Path $settings.DataPath 'kubeconfig') | Should -BeTrue
    }

    It 'starts again on the same data, returning only once the node service answers' {
        $restarted = Start-KubeCluster -DataPath $settings.DataPath
        $restarted.EnginePid | Should -Not -Be $cluster.EnginePid
        (Get-KubeNamespace -Name default).Name | Should -Be 'default'
        # The pod and its Ready node are still in the store from before the stop; its log comes from the new node service.
        Get-KubeLog -Name survivor | Should -Be 'still here'
    }
}

Describe 'Start-KubeCluster -Nodes' {
    It 'runs three node services, each running only the pods bound to it' {
        $multi = New-TestClusterSettings
        try {
            $three = Start-KubeCluster @multi -Nodes 3
            $three.Nodes.Count | Should -Be 3
            Wait-Until { @(Get-KubeNode | Where-Object { [KubePS.Module.Formatting.Columns]::NodeStatus($_) -eq 'Ready' }).Count -eq 3 } -TimeoutSeconds 60

            $manifest = ($three.Nodes | ForEach-Object -Begin { $i = 0 } -Process {
                $i++
                "apiVersion: v1`nkind: Pod`nmetadata:`n  name: on-$i`nspec:`n  nodeName: $_`n  terminationGracePeriodSeconds: 1`n  containers:`n  - name: app`n    image: kubeps/busybox:1`n    command: [sleep, '3600']"
            }) -join "`n---`n"
            $manifest | kubectl --kubeconfig $three.KubeConfig --cache-dir (Join-Path $multi.DataPath 'kubectl-cache') apply -f - | Out-Null
            $LASTEXITCODE | Should -Be 0
            Wait-Until { @(Get-KubePod | Where-Object { $_.Status.Phase -eq 'Running' }).Count -eq 3 } -TimeoutSeconds 90

            foreach ($i in 1..3) {
                $nodeName = $three.Nodes[$i - 1]
                $pods = docker ps --filter "label=io.kubeps.node=$nodeName" --format '{{.Label "io.kubernetes.pod.name"}}' | Sort-Object -Unique
                $pods | Should -Be "on-$i"
            }
        }
        finally {
            Get-KubePod -ErrorAction Ignore | Remove-KubePod -Wait -ErrorAction Ignore
            Stop-KubeCluster -DataPath $multi.DataPath
            Remove-Item -Recurse -Force $multi.DataPath -ErrorAction Ignore
        }
    }
}
