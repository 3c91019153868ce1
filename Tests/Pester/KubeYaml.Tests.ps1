BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings | Out-Null
    $script:kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
    $script:manifest = @'
apiVersion: v1
kind: ConfigMap
metadata:
  name: yaml-settings
  labels: { app: yaml }
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: yaml-web
spec:
  replicas: 2
  selector: { matchLabels: { app: yaml-web } }
  template:
    metadata: { labels: { app: yaml-web } }
    spec:
      containers: [ { name: main, image: kubeps/busybox:1, command: [ sleep, '3600' ] } ]
'@
}

AfterAll {
    Stop-KubeCluster -DataPath $settings.DataPath
    Remove-TestClusterContainers $settings.ClusterName
    Remove-Item -Recurse -Force $settings.DataPath -ErrorAction Ignore
}

Describe 'ConvertFrom-KubeYaml and ConvertTo-KubeYaml' {
    It 'reads a multi-document manifest into typed objects' {
        $objects = $manifest | ConvertFrom-KubeYaml
        $objects.Count | Should -Be 2
        $objects[0] | Should -BeOfType ([k8s.Models.V1ConfigMap])
        $objects[0].Data['mode'] | Should -Be 'fast'
        $objects[1] | Should -BeOfType ([k8s.Models.V1Deployment])
        $objects[1].Spec.Replicas | Should -Be 2
    }

    It 'round-trips with kubectl: what it writes kubectl applies, and what kubectl writes it reads' {
        $manifest | ConvertFrom-KubeYaml | ConvertTo-KubeYaml | kubectl --kubeconfig $kubeconfig apply -f - | Out-Null
        $LASTEXITCODE | Should -Be 0

        $deployment = kubectl --kubeconfig $kubeconfig get deployment yaml-web -o yaml | ConvertFrom-KubeYaml
        $deployment.Spec.Replicas | Should -Be 2
        $deployment.Spec.Template.Spec.Containers[0].Command | Should -Be @('sleep', '3600')
        (kubectl --kubeconfig $kubeconfig get configmap yaml-settings -o jsonpath='{.data.mode}') | Should -Be 'fast'
    }

    It 'writes objects from a Get-Kube list with their apiVersion and kind, one document each' {
        $yaml = Get-KubeConfigMap -LabelSelector app=yaml | ConvertTo-KubeYaml
        $yaml | Should -Match '(?m)^apiVersion: v1$'
        $yaml | Should -Match '(?m)^kind: ConfigMap$'
        $both = @(Get-KubeConfigMap -Name yaml-settings; Get-KubeDeployment -Name yaml-web) | ConvertTo-KubeYaml
        ($both -split "(?m)^---$").Count | Should -Be 2
    }

    It 'refuses text that is not Kubernetes YAML, and objects that are not Kubernetes objects' {
        { 'kind: [unclosed' | ConvertFrom-KubeYaml -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.InvalidYaml,*'
        Get-Date | ConvertTo-KubeYaml -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.NotAKubernetesObject,*'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
