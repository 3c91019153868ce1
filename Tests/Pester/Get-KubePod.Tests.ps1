BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    $cluster = Start-KubeCluster @settings
    $node = "$($settings.ClusterName)-node-1"
    New-KubePod -Name web -Image kubeps/busybox:1 -Command sh, -c, 'echo hello; sleep 3600' | Out-Null
    Wait-Until { (Get-KubePod -Name web).Status.Phase -eq 'Running' }
}

AfterAll {
    Get-KubePod -ErrorAction Ignore | Remove-KubePod -Wait -ErrorAction Ignore
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'Get-KubePod' {
    It 'returns the running pod on the node' {
        $pod = Get-KubePod -Name web
        $pod.Name | Should -Be 'web'
        $pod.Namespace | Should -Be 'default'
        $pod.Spec.NodeName | Should -Be $node
        [KubePS.Module.Formatting.Columns]::PodReady($pod) | Should -Be '1/1'
    }

    It 'has kubectl''s columns as properties: Status filters with -eq and still holds the pod''s status fields' {
        New-KubePod -Name broken -Image kubeps/busybox:1 -Command sh, -c, 'exit 3' -RestartPolicy Never | Out-Null
        Wait-Until { (Get-KubePod -Name broken).Status.Phase -eq 'Failed' }

        (Get-KubePod | Where-Object Status -eq Running).Name | Should -Be 'web'
        $pod = Get-KubePod -Name web
        "$($pod.Status)" | Should -Be 'Running'
        $pod.Status.PodIP | Should -Match '^\d+\.\d+\.\d+\.\d+$'
        $pod.Status.Phase | Should -Be 'Running'
        $pod.Ready | Should -Be '1/1'
        $pod.Restarts | Should -BeOfType ([long])
        $pod.Node | Should -Be $node
        $pod.Age | Should -BeOfType ([TimeSpan])
        (Get-KubeNode | Where-Object Status -eq Ready).Name | Should -Be $node

        (Get-KubePod | Where-Object Status -eq Error).Name | Should -Be 'broken'
        Get-KubePod -Namespace default | Where-Object Status -eq Failed | Remove-KubePod -Confirm:$false -Wait
        (Get-KubePod).Name | Should -Be 'web'
    }

    It 'has a wide view with kubectl''s -o wide columns, and a view for kinds without a cmdlet' {
        $wide = Get-KubePod -Name web | Format-Table -View Wide | Out-String -Width 200
        $wide | Should -Match 'IP\s+NODE'
        $wide | Should -Match ([regex]::Escape($node))
        Get-KubeObject -Kind Lease -Namespace kube-node-lease | Format-Table | Out-String -Width 200 | Should -Match 'HOLDER'
    }

    It 'matches names with wildcards' {
        (Get-KubePod -Name w*).Name | Should -Be 'web'
    }

    It 'writes KubePS.NotFound for a missing pod' {
        Get-KubePod -Name missing -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.NotFound,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'completes pod names' {
        $completion = TabExpansion2 -inputScript 'Get-KubePod -Name w' -cursorColumn 'Get-KubePod -Name w'.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'web'
    }

    It 'is listed by kubectl' {
        $cache = Join-Path $settings.DataPath 'kubectl-cache'
        $output = kubectl --kubeconfig $cluster.KubeConfig --cache-dir $cache get pods,nodes
        $LASTEXITCODE | Should -Be 0
        $output -join "`n" | Should -Match 'web'
        $output -join "`n" | Should -Match $node
    }
}

Describe 'Get-KubeLog' {
    It 'returns the lines the container wrote' {
        Wait-Until { (Get-KubeLog -Name web) -contains 'hello' } -TimeoutSeconds 30
        Get-KubeLog -Name web | Should -Be 'hello'
    }
}

Describe 'Get-KubeLog options' {
    It 'prefixes lines with their timestamps' {
        $line = Get-KubeLog -Name web -Timestamps
        $line | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z hello$'
    }

    It 'reads nothing from a previous instance when there is none' {
        Get-KubeLog -Name web -Previous -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-KubeCommand' {
    It 'returns the output lines and sets $LASTEXITCODE to 0' {
        $global:LASTEXITCODE = 99
        $lines = Invoke-KubeCommand -Name web -Command sh, -c, 'echo one; echo two'
        $lines | Should -Be @('one', 'two')
        $LASTEXITCODE | Should -Be 0
    }

    It 'writes stderr as errors and sets $LASTEXITCODE to the exit code' {
        $out = Invoke-KubeCommand -Name web -Command sh, -c, 'echo partial; echo broken >&2; exit 4' -ErrorVariable failure -ErrorAction SilentlyContinue
        $out | Should -Be 'partial'
        $failure[0].Exception.Message | Should -Be 'broken'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.CommandError,*'
        $LASTEXITCODE | Should -Be 4
    }

    It 'takes the pod from the pipeline' {
        (Get-KubePod -Name web | Invoke-KubeCommand -Command hostname) | Should -Be 'web'
    }
}

Describe 'Get-KubePodMetric and Get-KubeNodeMetric' {
    It 'reports the pod and its node' {
        Wait-Until { Get-KubePodMetric -Name web } -TimeoutSeconds 30
        $metric = Get-KubePodMetric -Name web
        $metric.Namespace | Should -Be 'default'
        $metric.MemoryBytes | Should -BeGreaterThan 0
        $nodeMetric = Get-KubeNodeMetric -Name $node
        $nodeMetric.MemoryBytes | Should -BeGreaterThan 0
        $nodeMetric.MemoryPercent | Should -BeGreaterThan 0
    }
}

Describe 'Import-KubeImage' {
    BeforeAll {
        $image = "kubeps/imported-$($settings.ClusterName):1"
        $archive = Join-Path $settings.DataPath 'imported.tar'
        docker tag kubeps/busybox:1 $image
        docker save -o $archive $image
        docker rmi $image | Out-Null
    }

    AfterAll {
        Remove-KubePod -Name imported -Wait -ErrorAction Ignore
        docker rmi $image 2>$null | Out-Null
    }

    It 'loads an archive into the node so a pod can run the image without a registry' {
        $import = Import-KubeImage -Path $archive
        $import.Node | Should -Be $node
        $import.Images -join ' ' | Should -Match ([regex]::Escape($image))
        docker image inspect $image | Out-Null
        $LASTEXITCODE | Should -Be 0

        New-KubePod -Name imported -Image $image -Command sleep, 3600 | Out-Null
        Wait-Until { (Get-KubePod -Name imported).Status.Phase -eq 'Running' } -TimeoutSeconds 60
    }

    It 'says which file is missing' {
        Import-KubeImage -Path (Join-Path $settings.DataPath 'missing.tar') -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.NotFound,*'
        $failure[0].Exception.Message | Should -Match 'missing.tar'
    }
}

Describe 'Remove-KubePod' {
    It 'changes nothing with -WhatIf' {
        Get-KubePod -Name web | Remove-KubePod -WhatIf
        Get-KubePod -Name web | Should -Not -BeNullOrEmpty
    }

    It 'removes the piped pod and its containers' {
        Get-NodeContainers $node web | Should -Not -BeNullOrEmpty
        Get-KubePod -Name web | Remove-KubePod -Wait
        Get-KubePod -Name web -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Wait-Until { -not (Get-NodeContainers $node web) } -TimeoutSeconds 30
    }
}

Describe 'New-KubeNamespace' {
    It 'creates and removes a namespace' {
        New-KubeNamespace -Name team-a | Out-Null
        (Get-KubeNamespace -Name team-a).Name | Should -Be 'team-a'
        Remove-KubeNamespace -Name team-a -Confirm:$false -Wait
        Get-KubeNamespace -Name team-a -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Wait-KubePod and Set-KubePod' {
    It 'waits until a piped pod is Ready and writes it' {
        $pod = New-KubePod -Name waited -Image kubeps/busybox:1 -Command sh, -c, 'sleep 3600' | Wait-KubePod -Timeout 60
        $pod.Name | Should -Be 'waited'
        ($pod.Status.Conditions | Where-Object Type -eq Ready).Status | Should -Be 'True'
    }

    It 'ends with KubePS.PodFailed when the pod fails, and -Condition Finished accepts that' {
        New-KubePod -Name fails -Image kubeps/busybox:1 -Command sh, -c, 'exit 4' -RestartPolicy Never | Out-Null
        { Wait-KubePod fails -Timeout 60 -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.PodFailed,*'
        (Wait-KubePod fails -Condition Finished -Timeout 60).Status.Phase | Should -Be 'Failed'
    }

    It 'ends with KubePS.Timeout, and waits for deletion with -Condition Deleted' {
        { Wait-KubePod fails -Condition Running -Timeout 1 -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.PodFailed,*'
        # No node has the label it asks for, so it stays Pending.
        "apiVersion: v1`nkind: Pod`nmetadata: { name: stuck }`nspec: { nodeSelector: { disk: none }, containers: [ { name: main, image: kubeps/busybox:1 } ] }" |
            ConvertFrom-KubeYaml | Publish-KubeManifest | Out-Null
        { Wait-KubePod stuck -Timeout 1 -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.Timeout,*'
        Remove-KubePod stuck, fails
        Wait-KubePod stuck, fails -Condition Deleted -Timeout 60
        Get-KubePod -Name stuck, fails -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'relabels a running pod, and names the containers when -Container names none of them' {
        Get-KubePod waited | Set-KubePod -Labels @{ app = 'relabelled' } -PassThru | Select-Object -ExpandProperty Name | Should -Be 'waited'
        (kubectl --kubeconfig $cluster.KubeConfig get pod waited -o jsonpath='{.metadata.labels.app}') | Should -Be 'relabelled'
        { Set-KubePod waited -Image kubeps/busybox:1 -Container nope -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.ContainerNotFound,*'
    }
}

Describe 'Nodes, namespaces and ReplicaSets' {
    It 'taints a node as kubectl would, refuses a malformed taint, and removes taints' {
        Set-KubeNode $node -Taint 'dedicated=test:PreferNoSchedule'
        (kubectl --kubeconfig $cluster.KubeConfig get node $node -o jsonpath='{.spec.taints[0].key}={.spec.taints[0].value}:{.spec.taints[0].effect}') |
            Should -Be 'dedicated=test:PreferNoSchedule'
        { Set-KubeNode $node -Taint 'dedicated=test' -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.Invalid,*'
        Set-KubeNode $node -Taint @()
        (Get-KubeNode $node).Spec.Taints | Should -BeNullOrEmpty
    }

    It 'registers a node ahead of its node service, and removes it' {
        New-KubeNode -Name "$($settings.ClusterName)-ghost" -Labels @{ zone = 'edge' } | Out-Null
        (Get-KubeNode -LabelSelector zone=edge).Name | Should -Be "$($settings.ClusterName)-ghost"
        Remove-KubeNode "$($settings.ClusterName)-ghost" -Confirm:$false -Wait
        Get-KubeNode -LabelSelector zone=edge | Should -BeNullOrEmpty
    }

    It 'relabels a namespace' {
        Set-KubeNamespace default -Labels @{ team = 'platform' }
        (Get-KubeNamespace default).Metadata.Labels['team'] | Should -Be 'platform'
    }

    It 'creates, scales and removes a ReplicaSet of its own, with its pods' {
        New-KubeReplicaSet -Name rs -Image kubeps/busybox:1 -Command sh, -c, 'sleep 3600' -Replicas 2 | Out-Null
        Wait-Until { (Get-KubePod -LabelSelector app=rs).Count -eq 2 }
        Set-KubeReplicaSet rs -Replicas 1
        Wait-Until { @(Get-KubePod -LabelSelector app=rs | Where-Object { -not $_.Metadata.DeletionTimestamp }).Count -eq 1 }
        (Get-KubeReplicaSet rs).Spec.Replicas | Should -Be 1
        Remove-KubeReplicaSet rs -Wait
        Wait-Until { -not (Get-KubePod -LabelSelector app=rs) } 60
    }
}
