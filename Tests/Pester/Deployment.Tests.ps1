BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    # A second local tag to roll out to; nothing is ever pulled.
    docker tag kubeps/busybox:1 kubeps/busybox:2
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings | Out-Null

    # A container that stops at once on SIGTERM, so replaced pods do not hold on for their grace period.
    $script:Serve = 'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"

    function Get-PodImage([string] $App) {
        Get-KubePod -LabelSelector "app=$App" | Where-Object { -not $_.Metadata.DeletionTimestamp } |
            ForEach-Object { $_.Spec.Containers[0].Image } | Sort-Object -Unique
    }
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'New-KubeDeployment and Wait-KubeDeployment' {
    It 'runs the replicas and waits until they are available' {
        $created = New-KubeDeployment -Name web -Image kubeps/busybox:1 -Command $Serve -Replicas 2 -Port 8080 -Env @{ MODE = 'fast' }
        $created.Spec.Selector.MatchLabels['app'] | Should -Be 'web'
        $created.Spec.Template.Spec.Containers[0].Env[0].Value | Should -Be 'fast'

        $ready = Wait-KubeDeployment -Name web -Timeout 120 -PassThru
        $ready.Status.AvailableReplicas | Should -Be 2
        (Get-KubePod -LabelSelector app=web | Where-Object { $_.Status.Phase -eq 'Running' }).Count | Should -Be 2
        (Get-KubeDeployment | Out-String) | Should -Match 'web\s+2/2\s+2\s+2'
        (Get-KubeReplicaSet | Out-String) | Should -Match 'NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE'
    }
}

Describe 'Set-KubeDeployment and Undo-KubeDeployment' {
    It 'rolls out a new image and back to the previous revision without a new ReplicaSet' {
        Set-KubeDeployment -Name web -Image kubeps/busybox:2
        Wait-KubeDeployment -Name web -Timeout 120
        Get-PodImage web | Should -Be 'kubeps/busybox:2'
        (Get-KubeReplicaSet -LabelSelector app=web).Count | Should -Be 2

        Undo-KubeDeployment -Name web
        Wait-KubeDeployment -Name web -Timeout 120
        Get-PodImage web | Should -Be 'kubeps/busybox:1'
        (Get-KubeReplicaSet -LabelSelector app=web).Count | Should -Be 2
        (Get-KubeDeployment -Name web).Metadata.Annotations['deployment.kubernetes.io/revision'] | Should -Be '3'
    }

    It 'reports a missing revision and an unknown container with stable error ids' {
        Undo-KubeDeployment -Name web -ToRevision 99 -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.RevisionNotFound,*'
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'

        Set-KubeDeployment -Name web -Image kubeps/busybox:2 -Container nope -ErrorVariable wrong -ErrorAction SilentlyContinue
        $wrong[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.ContainerNotFound,*'
        Get-PodImage web | Should -Be 'kubeps/busybox:1'
    }

    It 'scales every deployment piped to it and changes nothing with -WhatIf' {
        Get-KubeDeployment -Name web | Set-KubeDeployment -Replicas 3 -WhatIf
        Restart-KubeDeployment -Name web -WhatIf
        (Get-KubeDeployment -Name web).Spec.Replicas | Should -Be 2
        (Get-KubeReplicaSet -LabelSelector app=web).Count | Should -Be 2

        Get-KubeDeployment | Set-KubeDeployment -Replicas 3
        Wait-KubeDeployment -Name web -Timeout 120
        # Pods of the earlier rollout may still be terminating once the Deployment is complete.
        (Get-KubePod -LabelSelector app=web | Where-Object { $_.Status.Phase -eq 'Running' -and -not $_.Metadata.DeletionTimestamp }).Count | Should -Be 3
    }
}

Describe 'Suspend-KubeDeployment, Resume-KubeDeployment and Restart-KubeDeployment' {
    It 'holds a template change while paused and rolls it out on resume' {
        Suspend-KubeDeployment -Name web
        Set-KubeDeployment -Name web -Image kubeps/busybox:2
        Start-Sleep -Seconds 2
        (Get-KubeReplicaSet -LabelSelector app=web).Count | Should -Be 2
        Get-PodImage web | Should -Be 'kubeps/busybox:1'

        Get-KubeDeployment -Name web | Resume-KubeDeployment
        Wait-KubeDeployment -Name web -Timeout 120
        Get-PodImage web | Should -Be 'kubeps/busybox:2'
    }

    It 'replaces every pod with a restart' {
        $before = (Get-KubePod -LabelSelector app=web).Metadata.Name
        $restarted = Restart-KubeDeployment -Name web -PassThru
        $restarted.Spec.Template.Metadata.Annotations['kubectl.kubernetes.io/restartedAt'] | Should -Not -BeNullOrEmpty
        Wait-KubeDeployment -Name web -Timeout 120
        $after = (Get-KubePod -LabelSelector app=web | Where-Object { -not $_.Metadata.DeletionTimestamp }).Metadata.Name
        $after | Where-Object { $_ -in $before } | Should -BeNullOrEmpty
    }
}

Describe 'Get-KubeEvent' {
    It 'lists the events about one deployment' {
        $events = Get-KubeDeployment -Name web | Get-KubeEvent
        $events.Reason | Should -Contain 'ScalingReplicaSet'
        $events | ForEach-Object { $_.InvolvedObject.Name } | Sort-Object -Unique | Should -Be 'web'
        (Get-KubeEvent | Out-String) | Should -Match 'LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE'
    }

    It 'keeps writing new events with -Watch until the pipeline stops it' {
        $deployment = Get-KubeDeployment -Name web
        $before = @($deployment | Get-KubeEvent).Count
        $script = Join-Path $settings.DataPath 'scale.sh'
        Set-Content $script "sleep 2; kubectl --kubeconfig '$(Join-Path $settings.DataPath 'kubeconfig')' --cache-dir '$(Join-Path $settings.DataPath 'kubectl-cache')' scale deployment web --replicas 4"
        $scaler = Start-Process sh -ArgumentList $script -PassThru
        # The watch writes the events there were first; the scale-up is the first one after them.
        $seen = @($deployment | Get-KubeEvent -Watch -Timeout 60 | Select-Object -First ($before + 1))
        $scaler.WaitForExit()
        $scaler.ExitCode | Should -Be 0
        $seen.Count | Should -Be ($before + 1)
        $new = $seen[-1]
        $new.Reason | Should -Be 'ScalingReplicaSet'
        $new.Message | Should -Match 'to 4$'

        $quiet = Measure-Command { Get-KubeEvent -Watch -Timeout 2 -Namespace kube-system | Out-Null }
        $quiet.TotalSeconds | Should -BeLessThan 10
        Wait-KubeDeployment -Name web -Timeout 120
    }
}

Describe 'Remove-KubeDeployment' {
    It 'removes the deployment with its ReplicaSets and pods' {
        Remove-KubeDeployment -Name web -Wait
        Wait-Until { -not (Get-KubeReplicaSet -LabelSelector app=web) -and -not (Get-KubePod -LabelSelector app=web) } -TimeoutSeconds 60
        Get-KubeDeployment -Name web -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
