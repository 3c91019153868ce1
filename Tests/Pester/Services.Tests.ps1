BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    # A service range of its own: its addresses are the cluster's, whatever else runs on this machine.
    Start-KubeCluster @settings -ServiceClusterIpRange 10.210.0.0/16 | Out-Null

    # busybox httpd answering with its pod's name.
    $script:Httpd = 'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'

    function Get-Answer([string] $Url) {
        (Invoke-WebRequest $Url -TimeoutSec 5 -DisableKeepAlive).Content.Trim()
    }
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'New-KubeService -Deployment' {
    It 'exposes the pods of a Deployment on a cluster IP and on a NodePort of 127.0.0.1' {
        New-KubeDeployment -Name site -Image kubeps/busybox:1 -Command $Httpd -Replicas 2 -Port 8080 | Out-Null
        Wait-KubeDeployment -Name site -Timeout 120
        $script:service = New-KubeService -Name site -Deployment site -Port 80 -Type NodePort
        $service.Spec.Ports[0].TargetPort.Value | Should -Be '8080'
        $service.Spec.Ports[0].NodePort | Should -BeGreaterOrEqual 30000
        $service.Spec.ClusterIP | Should -BeLike '10.210.*'
        (Get-KubeService -Name kube-dns -Namespace kube-system).Spec.ClusterIP | Should -Be '10.210.0.10'

        Wait-Until { (Get-KubeService -Name site).Endpoints -eq 2 }
        (Get-KubeService -Name site | Out-String) | Should -Match 'site\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:\d+/TCP\s+2'
        $pods = (Get-KubePod -LabelSelector app=site).Name | Sort-Object
        Wait-Until { (1..20 | ForEach-Object { Get-Answer "http://$($service.Spec.ClusterIP)/" } | Sort-Object -Unique | Join-String -Separator ',') -eq ($pods -join ',') } 30
        Get-Answer "http://127.0.0.1:$($service.Spec.Ports[0].NodePort)/" | Should -BeIn $pods
        (Get-KubeEndpoints -Name site).Subsets[0].Addresses.Count | Should -Be 2
    }
}

Describe 'Service errors' {
    It 'refuses a NodePort that is taken with a stable error id and creates nothing' {
        New-KubeService -Name copy -Selector @{ app = 'site' } -Port 80 -Type NodePort -NodePort $service.Spec.Ports[0].NodePort -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.Invalid,*'
        $failure[0].Exception.Message | Should -Match 'provided port is already allocated'
        Get-KubeService -Name copy -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Set-KubeService and Remove-KubeService' {
    It 'turns a NodePort Service into a ClusterIP one, then removes it and its endpoints' {
        $changed = Set-KubeService -Name site -Type ClusterIP -PassThru
        $changed.Spec.Type | Should -Be 'ClusterIP'
        $changed.Spec.Ports[0].NodePort | Should -BeNullOrEmpty
        $changed.Spec.ClusterIP | Should -Be $service.Spec.ClusterIP

        Get-KubeService -Name site | Remove-KubeService
        Get-KubeService -Name site -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Wait-Until { -not (Get-KubeEndpoints -Name site -ErrorAction SilentlyContinue) }
    }
}
