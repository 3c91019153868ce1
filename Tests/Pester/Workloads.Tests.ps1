BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings -Nodes 2 | Out-Null
    $script:Serve = 'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"

    function Get-JobCondition([string] $Name) {
        (Get-KubeJob -Name $Name).Status.Conditions | Where-Object Status -eq 'True' | Select-Object -ExpandProperty Type
    }
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'New-KubeJob' {
    It 'completes three pods, two at a time' {
        New-KubeJob -Name calc -Image kubeps/busybox:1 -Command sh, -c, 'sleep 1' -Completions 3 -Parallelism 2 | Out-Null
        Wait-Until { (Get-JobCondition calc) -contains 'Complete' } -TimeoutSeconds 90
        (Get-KubeJob -Name calc).Status.Succeeded | Should -Be 3
        (Get-KubePod -LabelSelector job-name=calc | Where-Object { $_.Status.Phase -eq 'Succeeded' }).Count | Should -Be 3
        (Get-KubeJob | Out-String) | Should -Match 'calc\s+Complete\s+3/3'
    }

    It 'fails at its backoff limit' {
        New-KubeJob -Name broken -Image kubeps/busybox:1 -Command sh, -c, 'exit 1' -BackoffLimit 0 | Out-Null
        Wait-Until { (Get-JobCondition broken) -contains 'Failed' } -TimeoutSeconds 60
        $failed = (Get-KubeJob -Name broken).Status.Conditions | Where-Object Type -eq 'Failed'
        $failed.Reason | Should -Be 'BackoffLimitExceeded'
        (Get-KubePod -LabelSelector job-name=broken).Count | Should -Be 1
    }

    It 'removes a job with its pods' {
        Get-KubeJob -Name calc | Remove-KubeJob
        Wait-Until { -not (Get-KubePod -LabelSelector job-name=calc) } -TimeoutSeconds 30
    }
}

Describe 'New-KubeStatefulSet' {
    It 'starts web-0, web-1 and web-2 in order, each with its own claim' {
        New-KubeStatefulSet -Name web -Image kubeps/busybox:1 -Command $Serve -Replicas 3 -Storage 16Mi | Out-Null
        Wait-Until { (Get-KubeStatefulSet -Name web).Status.ReadyReplicas -eq 3 } -TimeoutSeconds 120
        $pods = Get-KubePod -LabelSelector app=web | Sort-Object { $_.Metadata.CreationTimestamp }
        $pods.Metadata.Name | Should -Be @('web-0', 'web-1', 'web-2')
        $claims = Get-KubePersistentVolumeClaim | Where-Object { $_.Metadata.Name -like 'data-web-*' }
        $claims.Metadata.Name | Sort-Object | Should -Be @('data-web-0', 'data-web-1', 'data-web-2')
        $claims | ForEach-Object { $_.Status.Phase | Should -Be 'Bound' }
        (Get-KubeStatefulSet | Out-String) | Should -Match 'web\s+3/3'
    }

    It 'scales down from the highest ordinal and keeps the claims' {
        Set-KubeStatefulSet -Name web -Replicas 1
        Wait-Until { @(Get-KubePod -LabelSelector app=web | Where-Object { -not $_.Metadata.DeletionTimestamp }).Count -eq 1 } -TimeoutSeconds 90
        (Get-KubePod -LabelSelector app=web | Where-Object { -not $_.Metadata.DeletionTimestamp }).Metadata.Name | Should -Be 'web-0'
        (Get-KubePersistentVolumeClaim | Where-Object { $_.Metadata.Name -like 'data-web-*' }).Count | Should -Be 3
    }
}

Describe 'New-KubeDaemonSet' {
    It 'runs one pod on each node' {
        New-KubeDaemonSet -Name agent -Image kubeps/busybox:1 -Command $Serve | Out-Null
        Wait-Until { (Get-KubeDaemonSet -Name agent).Status.NumberReady -eq 2 } -TimeoutSeconds 90
        $nodes = (Get-KubePod -LabelSelector app=agent).Spec.NodeName | Sort-Object
        $nodes | Should -Be ((Get-KubeNode).Metadata.Name | Sort-Object)
        (Get-KubeDaemonSet | Out-String) | Should -Match 'agent\s+2\s+2\s+2'
    }
}

Describe 'New-KubeCronJob' {
    It 'creates, suspends and removes a cron job' {
        $created = New-KubeCronJob -Name nightly -Image kubeps/busybox:1 -Command sh, -c, 'true' -Schedule '0 3 * * *' -TimeZone 'Europe/Berlin' -ConcurrencyPolicy Forbid
        $created.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy | Should -Be 'Never'
        Set-KubeCronJob -Name nightly -Suspend -WhatIf
        (Get-KubeCronJob -Name nightly).Spec.Suspend | Should -BeFalse
        Set-KubeCronJob -Name nightly -Suspend
        (Get-KubeCronJob -Name nightly).Spec.Suspend | Should -BeTrue
        (Get-KubeCronJob | Out-String) | Should -Match 'nightly\s+0 3 \* \* \*\s+Europe/Berlin\s+True'
        Remove-KubeCronJob -Name nightly
        Get-KubeCronJob -Name nightly -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses an unparseable schedule with the field it names' {
        New-KubeCronJob -Name bad -Image kubeps/busybox:1 -Schedule '61 * * * *' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.Invalid,*'
        $failure[0].Exception.Message | Should -Match 'spec.schedule'
    }
}

Describe 'Remove-KubeNamespace' {
    It 'removes everything in the namespace' {
        New-KubeNamespace -Name scratch | Out-Null
        New-KubeDeployment -Name tmp -Image kubeps/busybox:1 -Command $Serve -Replicas 2 -Namespace scratch | Out-Null
        New-KubeConfigMap -Name settings -Data @{ a = '1' } -Namespace scratch | Out-Null
        Wait-KubeDeployment -Name tmp -Namespace scratch -Timeout 90
        Remove-KubeNamespace -Name scratch -Wait -Confirm:$false
        Get-KubePod -AllNamespaces | Where-Object { $_.Metadata.NamespaceProperty -eq 'scratch' } | Should -BeNullOrEmpty
        Get-KubeReplicaSet -AllNamespaces | Where-Object { $_.Metadata.NamespaceProperty -eq 'scratch' } | Should -BeNullOrEmpty
    }
}

Describe 'HorizontalPodAutoscalers, ResourceQuotas and LimitRanges' {
    BeforeAll {
        $kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
    }

    It 'creates, changes and removes an autoscaler as kubectl autoscale would' {
        New-KubeDeployment -Name scaled -Image kubeps/busybox:1 -Command sh, -c, 'sleep 3600' | Out-Null
        $hpa = New-KubeHorizontalPodAutoscaler -Name scaled -Deployment scaled -Min 1 -Max 3 -CpuPercent 50
        $hpa.Spec.ScaleTargetRef.Kind | Should -Be 'Deployment'
        (kubectl --kubeconfig $kubeconfig get hpa scaled -o jsonpath='{.spec.maxReplicas} {.spec.metrics[0].resource.target.averageUtilization}') | Should -Be '3 50'

        Set-KubeHorizontalPodAutoscaler scaled -Max 5 -MemoryPercent 70
        $changed = Get-KubeHorizontalPodAutoscaler scaled
        $changed.Spec.MaxReplicas | Should -Be 5
        $changed.Spec.Metrics.Resource.Name | Should -Be 'memory'
        Remove-KubeHorizontalPodAutoscaler scaled -Wait
        Get-KubeHorizontalPodAutoscaler -Name scaled -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'creates a quota whose table shows used and hard amounts, and changes its limits' {
        New-KubeResourceQuota -Name caps -Hard @{ pods = 20; 'requests.cpu' = '2'; 'limits.memory' = '4Gi' } | Out-Null
        (kubectl --kubeconfig $kubeconfig get resourcequota caps -o jsonpath='{.spec.hard.pods}') | Should -Be '20'
        $quota = Get-KubeResourceQuota caps
        $quota.Request | Should -Match 'pods: \d+/20'
        $quota.Limit | Should -Match 'limits.memory: .+/4Gi'
        Set-KubeResourceQuota caps -Hard @{ pods = 30 }
        (Get-KubeResourceQuota caps).Spec.Hard.Keys | Should -Be @('pods')
        Remove-KubeResourceQuota caps -Wait
    }

    It 'creates a LimitRange with container defaults, and removes it' {
        New-KubeLimitRange -Name defaults -Default @{ cpu = '500m'; memory = '256Mi' } -DefaultRequest @{ cpu = '100m' } -Max @{ cpu = '2' } | Out-Null
        (kubectl --kubeconfig $kubeconfig get limitrange defaults -o jsonpath='{.spec.limits[0].type} {.spec.limits[0].default.cpu} {.spec.limits[0].defaultRequest.cpu} {.spec.limits[0].max.cpu}') |
            Should -Be 'Container 500m 100m 2'
        (Get-KubeLimitRange defaults).Spec.Limits[0].DefaultProperty['memory'].ToString() | Should -Be '256Mi'

        # The engine's LimitRanger fills the defaults in, and the node gives them to Docker.
        $pod = New-KubePod -Name limited -Image kubeps/busybox:1 -Command sh, -c, 'sleep 3600' | Wait-KubePod -Timeout 60
        $pod.Spec.Containers[0].Resources.Limits['memory'].ToString() | Should -Be '256Mi'
        $pod.Spec.Containers[0].Resources.Requests['cpu'].ToString() | Should -Be '100m'
        $container = docker ps -q --filter "label=io.kubernetes.pod.name=limited" --filter "label=io.kubernetes.container.name=limited"
        (docker inspect --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}{{.HostConfig.CpuQuota}}' $container) | Should -Match '^268435456 '
        Remove-KubePod limited -Wait

        Remove-KubeLimitRange defaults -Wait
        Get-KubeLimitRange | Should -BeNullOrEmpty
    }
}
