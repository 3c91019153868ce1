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
