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
