BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings -Nodes 3 | Out-Null
    $script:Serve = 'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"

    function Get-LivePod([string] $App) {
        Get-KubePod -LabelSelector "app=$App" | Where-Object { -not $_.Metadata.DeletionTimestamp -and $_.Status.Phase -eq 'Running' }
    }
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'Placement across three nodes' {
    BeforeAll {
        $script:kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
        function Publish-Deployment([string] $Name, [int] $Replicas, [string] $PodSpecExtra) {
            @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: $Name }
spec:
  replicas: $Replicas
  selector: { matchLabels: { app: $Name } }
  template:
    metadata: { labels: { app: $Name } }
    spec:
      terminationGracePeriodSeconds: 1
      containers: [ { name: main, image: kubeps/busybox:1, command: [ sleep, '3600' ] } ]
$PodSpecExtra
"@ | kubectl --kubeconfig $kubeconfig apply -f - | Out-Null
        }
        function Get-PodsPerNode([string] $App) {
            Get-KubePod -LabelSelector "app=$App" | Where-Object { $_.Spec.NodeName } | Group-Object { $_.Spec.NodeName }
        }
    }

    It 'spreads a Deployment evenly with a topology spread constraint' {
        Publish-Deployment spreadout 6 @'
      topologySpreadConstraints:
      - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: spreadout } } }
'@
        Wait-KubeDeployment -Name spreadout -Timeout 120
        $perNode = @(Get-PodsPerNode spreadout)
        $perNode.Count | Should -Be 3
        $perNode | ForEach-Object { $_.Count | Should -Be 2 }
        Remove-KubeDeployment -Name spreadout
    }

    It 'keeps replicas with required anti-affinity apart and explains the one that fits nowhere' {
        Publish-Deployment apart 4 @'
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: apart } } }
'@
        Wait-Until { @(Get-KubePod -LabelSelector app=apart | Where-Object { $_.Status.Phase -eq 'Running' }).Count -eq 3 } 120
        @(Get-PodsPerNode apart).Count | Should -Be 3
        $pending = @(Get-KubePod -LabelSelector app=apart | Where-Object { -not $_.Spec.NodeName })
        $pending.Count | Should -Be 1
        Wait-Until { Get-KubeEvent -Namespace default | Where-Object { $_.Reason -eq 'FailedScheduling' -and $_.InvolvedObject.Name -eq $pending[0].Name } } 30
        (Get-KubeEvent -Namespace default | Where-Object { $_.Reason -eq 'FailedScheduling' -and $_.InvolvedObject.Name -eq $pending[0].Name })[0].Message |
            Should -Be "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
        Remove-KubeDeployment -Name apart
    }

    It 'gives a tainted node only the pods that tolerate its taint' {
        $tainted = (Get-KubeNode)[0].Name
        kubectl --kubeconfig $kubeconfig taint node $tainted dedicated=db:NoSchedule | Out-Null
        try {
            Publish-Deployment plain 4 ''
            Publish-Deployment tolerant 1 @"
      nodeSelector: { kubernetes.io/hostname: $tainted }
      tolerations: [ { key: dedicated, operator: Equal, value: db, effect: NoSchedule } ]
"@
            Wait-KubeDeployment -Name plain -Timeout 120
            Wait-KubeDeployment -Name tolerant -Timeout 120
            Get-KubePod -LabelSelector app=plain | Where-Object { $_.Spec.NodeName -eq $tainted } | Should -BeNullOrEmpty
            (Get-KubePod -LabelSelector app=tolerant)[0].Spec.NodeName | Should -Be $tainted
        }
        finally {
            kubectl --kubeconfig $kubeconfig taint node $tainted dedicated- | Out-Null
            Remove-KubeDeployment -Name plain
            Remove-KubeDeployment -Name tolerant
        }
    }
}

Describe 'Suspend-KubeNode and Resume-KubeNode' {
    It 'cordons a node so new pods go elsewhere, and uncordons it' {
        $node = (Get-KubeNode)[0].Name
        Suspend-KubeNode $node
        (Get-KubeNode -Name $node | Out-String) | Should -Match 'SchedulingDisabled'
        New-KubeDeployment -Name cordoned -Image kubeps/busybox:1 -Command $Serve -Replicas 4 | Out-Null
        Wait-KubeDeployment -Name cordoned -Timeout 120
        Get-LivePod cordoned | Where-Object { $_.Spec.NodeName -eq $node } | Should -BeNullOrEmpty
        Resume-KubeNode $node
        (Get-KubeNode -Name $node).Spec.Unschedulable | Should -Not -BeTrue
        Remove-KubeDeployment -Name cordoned
    }

    It 'drains a node through evictions a disruption budget paces, refusing unmanaged pods without -Force' {
        $kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
        New-KubeDeployment -Name web -Image kubeps/busybox:1 -Command $Serve -Replicas 3 | Out-Null
        Wait-KubeDeployment -Name web -Timeout 120
        $victim = (Get-LivePod web)[0].Spec.NodeName
        @"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec: { minAvailable: 2, selector: { matchLabels: { app: web } } }
---
apiVersion: v1
kind: Pod
metadata: { name: loner }
spec: { nodeName: $victim, containers: [ { name: main, image: kubeps/busybox:1, command: [ sleep, '3600' ] } ] }
"@ | kubectl --kubeconfig $kubeconfig apply -f - | Out-Null
        Wait-Until { (kubectl --kubeconfig $kubeconfig get pdb web -o json | ConvertFrom-Json).status.disruptionsAllowed -eq 1 } 30

        Suspend-KubeNode $victim -Drain -Timeout 60 -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.UnmanagedPods,*'
        $refused[0].Exception.Message | Should -Match 'default/loner'

        Suspend-KubeNode $victim -Drain -Force -Timeout 120
        Get-KubePod | Where-Object { $_.Spec.NodeName -eq $victim } | Should -BeNullOrEmpty
        Wait-KubeDeployment -Name web -Timeout 120
        Get-LivePod web | Where-Object { $_.Spec.NodeName -eq $victim } | Should -BeNullOrEmpty
        Resume-KubeNode $victim
    }

    It 'works with kubectl cordon, drain and uncordon' {
        $kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
        $node = (Get-LivePod web)[0].Spec.NodeName
        kubectl --kubeconfig $kubeconfig drain $node --ignore-daemonsets --timeout 90s 2>&1 | Out-String | Write-Host
        $LASTEXITCODE | Should -Be 0
        (Get-KubeNode -Name $node).Spec.Unschedulable | Should -BeTrue
        Get-LivePod web | Where-Object { $_.Spec.NodeName -eq $node } | Should -BeNullOrEmpty
        kubectl --kubeconfig $kubeconfig uncordon $node | Out-Null
        (Get-KubeNode -Name $node).Spec.Unschedulable | Should -Not -BeTrue
        Remove-KubeDeployment -Name web
        kubectl --kubeconfig $kubeconfig delete pdb web | Out-Null
    }
}

Describe 'A node service killed with SIGKILL' {
    It 'leaves its node Unknown and tainted, and the Deployment''s pods run on the other nodes' {
        New-KubeDeployment -Name spread -Image kubeps/busybox:1 -Command $Serve -Replicas 3 | Out-Null
        Wait-KubeDeployment -Name spread -Timeout 120
        $script:victim = (Get-LivePod spread)[0].Spec.NodeName
        $script:moved = (Get-LivePod spread | Where-Object { $_.Spec.NodeName -eq $victim }).Name
        $nodePid = [int](Get-Content (Join-Path $settings.DataPath "nodes/$victim/node.pid"))
        $killed = Get-Date
        Stop-Process -Id $nodePid -Force

        Wait-Until { (Get-KubeNode -Name $victim).Status.Conditions.Where({ $_.Type -eq 'Ready' }).Status -eq 'Unknown' } 40
        (Get-KubeNode -Name $victim).Spec.Taints.Key | Should -Contain 'node.kubernetes.io/unreachable'
        Wait-Until {
            $live = @(Get-LivePod spread)
            $live.Count -eq 3 -and -not ($live | Where-Object { $_.Spec.NodeName -eq $victim })
        } 60
        $seconds = ((Get-Date) - $killed).TotalSeconds
        Write-Host "Pods of the killed node ran elsewhere after $([int]$seconds) s"
        # 20 s of silence, 10 s of toleration, a second to start: 26 to 31 s after the kill, by when the last lease renewal was.
        $seconds | Should -BeLessThan 35
        Get-KubeEvent -Namespace default | Where-Object Reason -eq 'TaintManagerEviction' | Should -Not -BeNullOrEmpty
    }

    It 'removes the moved pods from the node when its node service starts again' {
        Start-KubeCluster -DataPath $settings.DataPath | Out-Null
        Wait-Until { (Get-KubeNode -Name $victim).Status.Conditions.Where({ $_.Type -eq 'Ready' }).Status -eq 'True' } 60
        Wait-Until { -not ($moved | Where-Object { Get-NodeContainers $victim $_ }) } 60
        Wait-Until { -not (Get-KubePod -LabelSelector app=spread | Where-Object { $_.Spec.NodeName -eq $victim }) } 60
        (Get-KubeNode -Name $victim).Spec.Taints | Should -BeNullOrEmpty
        @(Get-LivePod spread).Count | Should -Be 3
    }
}
