BeforeAll {
    . (Join-Path $PSScriptRoot 'TestCluster.ps1')
    Import-Module (Join-Path $RepoRoot 'KubePS.psd1') -Force
    $settings = New-TestClusterSettings
    Start-KubeCluster @settings | Out-Null
    $script:kubeconfig = Join-Path $settings.DataPath 'kubeconfig'
    $script:manifests = Join-Path $settings.DataPath 'manifests'
    New-Item -ItemType Directory -Path $manifests | Out-Null

    function Write-Manifest([string] $Name, [string] $Text) {
        Set-Content -Path (Join-Path $manifests $Name) -Value $Text
    }

    function Get-ShopManifest([int] $Replicas = 2, [string] $Labels = '{ app: shop, tier: front }') {
        @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: store
  labels: $Labels
spec:
  replicas: $Replicas
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec:
      containers:
      - name: main
        image: kubeps/busybox:1
        command: [ sleep, '3600' ]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: shop-settings, namespace: store }
data: { retries: "3", mode: fast }
"@
    }
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

Describe 'Get-KubeObject, Remove-KubeObject and Watch-KubeObject' {
    It 'gets any kind the server serves by kind, plural or short name, as typed objects with Name and Namespace' {
        New-KubeConfigMap -Name any-kind -Data @{ a = '1' } | Out-Null
        $byShortName = Get-KubeObject -Kind cm -Name any-kind
        $byShortName | Should -BeOfType ([k8s.Models.V1ConfigMap])
        $byShortName.Kind | Should -Be 'ConfigMap'
        (Get-KubeObject configmaps any-kind).Data['a'] | Should -Be '1'

        # Leases have no cmdlet of their own; every node service keeps one.
        $leases = Get-KubeObject -Kind Lease -Namespace kube-node-lease
        $leases | Should -Not -BeNullOrEmpty
        $leases[0] | Should -BeOfType ([k8s.Models.V1Lease])
        $leases[0].Name | Should -BeLike "$($settings.ClusterName)*"
        $leases[0].Namespace | Should -Be 'kube-node-lease'
        (Get-KubeObject -Kind namespaces -Name 'kube-*').Name | Should -Be @('kube-node-lease', 'kube-system')
    }

    It 'reports a missing name and an unknown kind with stable error ids' {
        Get-KubeObject -Kind cm -Name no-such-map -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.NotFound,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-KubeObject -Kind Gadget -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.UnknownKind,*'
    }

    It 'removes objects piped from any Get-Kube cmdlet, and -WhatIf removes nothing' {
        New-KubeConfigMap -Name doomed-1 -Data @{ a = '1' } | Out-Null
        New-KubeConfigMap -Name doomed-2 -Data @{ a = '1' } | Out-Null
        Get-KubeConfigMap -Name 'doomed-*' | Remove-KubeObject -WhatIf
        (Get-KubeObject cm -Name 'doomed-*').Count | Should -Be 2

        Get-KubeConfigMap -Name 'doomed-*' | Remove-KubeObject -Confirm:$false -Wait
        Get-KubeObject cm -Name 'doomed-*' | Should -BeNullOrEmpty
        (kubectl --kubeconfig $kubeconfig get configmaps -o name) | Should -Not -Contain 'configmap/doomed-1'
    }

    It 'streams what exists, then the changes another client makes, until -Timeout' {
        New-KubeConfigMap -Name watched -Data @{ v = '1' } | Out-Null
        $changes = Start-ThreadJob -ArgumentList $kubeconfig {
            param($config)
            Start-Sleep -Seconds 2
            kubectl --kubeconfig $config create configmap watched-new --from-literal=v=1 | Out-Null
            kubectl --kubeconfig $config patch configmap watched -p '{"data":{"v":"2"}}' | Out-Null
            kubectl --kubeconfig $config delete configmap watched | Out-Null
        }
        $events = Watch-KubeObject -Kind ConfigMap -Timeout 8
        $changes | Receive-Job -Wait -AutoRemoveJob | Out-Null

        $events | Should -BeOfType ([KubePS.Module.Resources.KubeWatchEvent])
        ($events | Where-Object Name -eq watched).Type | Should -Be @('ADDED', 'MODIFIED', 'DELETED')
        ($events | Where-Object { $_.Name -eq 'watched' -and $_.Type -eq 'MODIFIED' }).Object.Data['v'] | Should -Be '2'
        ($events | Where-Object Name -eq watched-new).Type | Should -Be 'ADDED'
    }
}

Describe 'Publish-KubeManifest' {
    BeforeAll {
        Write-Manifest 'shop.yaml' (Get-ShopManifest)
        Write-Manifest 'store-namespace.yaml' "apiVersion: v1`nkind: Namespace`nmetadata: { name: store }"
    }

    It 'creates what a folder declares, namespaces first, and kubectl apply then finds nothing to change' {
        $results = Publish-KubeManifest -Path $manifests
        $results.Action | Should -Be @('Created', 'Created', 'Created')
        $results[0].Kind | Should -Be 'Namespace'
        (Get-KubeDeployment -Namespace store -Name shop).Spec.Replicas | Should -Be 2
        (Get-KubeConfigMap -Namespace store -Name shop-settings).Data['retries'] | Should -Be '3'

        # The last-applied annotation is kubectl's: its own apply sees the objects as it would have left them.
        $kubectl = kubectl --kubeconfig $kubeconfig apply -f $manifests
        $kubectl | Should -Contain 'deployment.apps/shop unchanged'
        $kubectl | Should -Contain 'configmap/shop-settings unchanged'
        (Publish-KubeManifest -Path $manifests).Action | Should -Be @('Unchanged', 'Unchanged', 'Unchanged')
    }

    It '-WhatIf says what would change, field by field, and changes nothing' {
        Write-Manifest 'shop.yaml' (Get-ShopManifest -Replicas 3)
        # What if: lines go to the host, so a child shell's output is what the user would read.
        Push-Location $RepoRoot
        try {
            $whatIf = dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module ./KubePS.psd1; Connect-KubeCluster '$kubeconfig'; Publish-KubeManifest -Path '$manifests' -WhatIf"
        }
        finally { Pop-Location }
        $whatIf | Should -Contain 'What if: Performing the operation "Update (spec.replicas)" on target "deployment.apps store/shop".'
        $whatIf | Should -Contain 'What if: Performing the operation "Leave unchanged" on target "configmap store/shop-settings".'
        (Get-KubeDeployment -Namespace store -Name shop).Spec.Replicas | Should -Be 2
    }

    It 'changes what the manifest changed and removes what it no longer declares, leaving fields of others alone' {
        kubectl --kubeconfig $kubeconfig annotate deployment shop -n store team=payments | Out-Null
        Write-Manifest 'shop.yaml' (Get-ShopManifest -Replicas 3 -Labels '{ app: shop }')
        $result = Publish-KubeManifest -Path (Join-Path $manifests 'shop.yaml') | Where-Object Kind -eq Deployment
        $result.Action | Should -Be 'Configured'
        $result.ChangedFields | Should -Contain 'spec.replicas'
        $result.ChangedFields | Should -Contain 'metadata.labels.tier'
        $live = Get-KubeDeployment -Namespace store -Name shop
        $live.Spec.Replicas | Should -Be 3
        $live.Metadata.Labels.Keys | Should -Not -Contain 'tier'
        $live.Metadata.Annotations['team'] | Should -Be 'payments'
    }

    It 'applies objects piped from ConvertFrom-KubeYaml' {
        $manifest | ConvertFrom-KubeYaml | Where-Object Kind -eq ConfigMap | Publish-KubeManifest -Namespace store |
            Select-Object -ExpandProperty Action | Should -Be 'Created'
        (Get-KubeConfigMap -Namespace store -Name yaml-settings).Data['mode'] | Should -Be 'fast'
    }

    It 'applies nothing of a batch with a manifest that does not parse' {
        $broken = Join-Path $settings.DataPath 'broken'
        New-Item -ItemType Directory -Path $broken | Out-Null
        Set-Content (Join-Path $broken 'a.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: { name: never-applied }"
        Set-Content (Join-Path $broken 'b.yaml') "apiVersion: v1`nkind: [unclosed"
        { Publish-KubeManifest -Path $broken -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.InvalidYaml,*'
        Get-KubeObject cm -Name never-applied -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports an object the server refuses, field by field, and still applies the others' {
        $mixed = Join-Path $settings.DataPath 'mixed'
        New-Item -ItemType Directory -Path $mixed | Out-Null
        Set-Content (Join-Path $mixed 'bad.yaml') "apiVersion: apps/v1`nkind: Deployment`nmetadata: { name: Bad_Name }`nspec: { replicas: -1 }"
        Set-Content (Join-Path $mixed 'good.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: { name: applied-anyway }"
        $results = Publish-KubeManifest -Path $mixed -ErrorVariable refused -ErrorAction SilentlyContinue
        $results.Name | Should -Be 'applied-anyway'
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.Invalid,*'
        $refused[0].Exception.Message | Should -Match 'metadata.name'
    }

    It 'applies server-side, with conflicts against another manager unless -Force' {
        $ssa = "apiVersion: v1`nkind: ConfigMap`nmetadata: { name: owned, namespace: store }`ndata: { size: small }"
        Write-Manifest 'ssa.yaml' $ssa
        (Publish-KubeManifest -Path (Join-Path $manifests 'ssa.yaml') -ServerSide).Action | Should -Be 'Created'
        $ssa -replace 'small', 'large' | kubectl --kubeconfig $kubeconfig apply --server-side --force-conflicts --field-manager=other -f - | Out-Null

        { Publish-KubeManifest -Path (Join-Path $manifests 'ssa.yaml') -ServerSide -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.Conflict,*'
        $forced = Publish-KubeManifest -Path (Join-Path $manifests 'ssa.yaml') -ServerSide -Force
        $forced.ChangedFields | Should -Contain 'data.size'
        (Get-KubeConfigMap -Namespace store -Name owned).Data['size'] | Should -Be 'small'
    }

    It 'reads the files Get-ChildItem pipes in' {
        $piped = Get-ChildItem -Path $manifests -Filter 'store-*.yaml' | Publish-KubeManifest
        $piped.Kind | Should -Be 'Namespace'
        $piped.Action | Should -Be 'Unchanged'
    }
}

Describe 'Export-KubeManifest' {
    It 'writes clean manifests that recreate the objects' {
        $file = Join-Path $settings.DataPath 'exported.yaml'
        Get-KubeDeployment -Namespace store -Name shop | Export-KubeManifest -Path $file
        $text = Get-Content -Raw $file
        $text | Should -Not -Match 'resourceVersion|uid:|status:|creationTimestamp|managedFields|last-applied'
        { Get-KubeDeployment -Namespace store -Name shop | Export-KubeManifest -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.FileExists,*'

        Remove-KubeDeployment -Namespace store -Name shop -Confirm:$false -Wait
        (Publish-KubeManifest -Path $file).Action | Should -Be 'Created'
        (Get-KubeDeployment -Namespace store -Name shop).Spec.Replicas | Should -Be 3
    }

    It 'writes clean objects down the pipeline, and refuses what is not a Kubernetes object' {
        $clean = Get-KubeConfigMap -Namespace store -Name shop-settings | Export-KubeManifest
        $clean | Should -BeOfType ([k8s.Models.V1ConfigMap])
        $clean.Metadata.Uid | Should -BeNullOrEmpty
        $clean.Metadata.ResourceVersion | Should -BeNullOrEmpty
        $clean.Data['mode'] | Should -Be 'fast'
        Get-Date | Export-KubeManifest -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.NotAKubernetesObject,*'
    }
}

Describe 'Completion' {
    It 'completes kinds, and names of any kind in the namespace already typed, through TabExpansion2' {
        $line = 'Get-KubeObject -Kind Deplo'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Deployment'
        $line = 'Get-KubeObject -Kind ConfigMap -Namespace store -Name shop-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('shop-settings')
        $line = 'Remove-KubeDeployment -Namespace store -Name s'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('shop')
        $line = 'Get-KubeConfigMap -Namespace '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'store'
    }

    It 'completes the containers of the pod or workload -Name names' {
        $line = 'Set-KubeDeployment -Namespace store -Name shop -Container '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('main')
    }

    It 'offers nothing, and throws nothing, for a kind the server does not serve' {
        $line = 'Get-KubeObject -Kind Gadget -Name x'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
    }
}

Describe 'New-Kube cmdlets from whole objects' {
    It 'copies an object piped from a Get-Kube cmdlet into another namespace, without its server fields' {
        $original = Get-KubeConfigMap -Namespace store -Name shop-settings
        $copy = $original | New-KubeConfigMap -Namespace default -Name settings-copy
        $copy.Name | Should -Be 'settings-copy'
        $copy.Namespace | Should -Be 'default'
        $copy.Data['retries'] | Should -Be '3'
        $copy.Metadata.Uid | Should -Not -Be $original.Metadata.Uid
    }

    It 'creates what ConvertFrom-KubeYaml read, with no simple parameters needed' {
        $created = $manifest | ConvertFrom-KubeYaml | Where-Object Kind -eq Deployment | New-KubeDeployment -Namespace store -ErrorAction Stop
        $created.Name | Should -Be 'yaml-web'
        (Get-KubeDeployment -Namespace store -Name yaml-web).Spec.Replicas | Should -Be 2
        (Get-Command New-KubeDeployment).DefaultParameterSet | Should -Be 'Parameters'
    }

    It 'takes a hashtable shaped like the manifest, named by -Name, with -Labels added' {
        $made = New-KubeConfigMap -Name from-table -InputObject @{ data = @{ a = '1' }; metadata = @{ labels = @{ source = 'table' } } } -Labels @{ extra = 'yes' }
        $made.Data['a'] | Should -Be '1'
        $made.Metadata.Labels['source'] | Should -Be 'table'
        $made.Metadata.Labels['extra'] | Should -Be 'yes'
    }

    It 'refuses an object of another kind' {
        Get-KubeConfigMap -Namespace store -Name shop-settings | New-KubeSecret -Namespace default -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'KubePS.Invalid,*'
        $refused[0].Exception.Message | Should -Be 'The object is a ConfigMap; this cmdlet creates a Secret.'
        Get-KubeSecret -Name shop-settings -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Every Get-Kube cmdlet of a kind, in each of its parameter sets' {
    BeforeDiscovery {
        Import-Module (Join-Path $PSScriptRoot '../../KubePS.psd1')
        $script:getters = Get-Command -Module KubePS -Verb Get |
            Where-Object { $_.Parameters.ContainsKey('LabelSelector') -and $_.Name -ne 'Get-KubeObject' } |
            ForEach-Object { @{ Name = $_.Name; Namespaced = $_.Parameters.ContainsKey('AllNamespaces') } }
    }

    It '<Name> lists, filters by label, and (namespaced) lists across namespaces, formatted as a table and a list' -ForEach $getters {
        $all = & $Name -ErrorAction Stop
        & $Name -LabelSelector 'kubeps-test=none' -ErrorAction Stop | Should -BeNullOrEmpty
        if ($Namespaced) {
            $everywhere = & $Name -AllNamespaces -ErrorAction Stop
            @($everywhere).Count | Should -BeGreaterOrEqual @($all).Count
            $all = $everywhere
        }
        if ($all) {
            $first = @($all)[0]
            $scope = if ($Namespaced) { @{ Namespace = $first.Namespace } } else { @{} }
            (& $Name -Name $first.Name @scope -ErrorAction Stop).Name | Should -Be $first.Name
            ($first | Format-Table | Out-String) | Should -Match ([regex]::Escape($first.Name))
            ($first | Format-List | Out-String) | Should -Match "Name\s+: $([regex]::Escape($first.Name))"
        }
    }
}

Describe 'The example scripts in docs/examples' {
    BeforeAll {
        $script:examples = Join-Path $RepoRoot 'docs/examples'
    }

    It 'switches a Service from blue to green once green has rolled out' {
        $service = @'
apiVersion: v1
kind: Service
metadata: { name: bg, namespace: store }
spec:
  selector: { app: bg, track: blue }
  ports: [ { port: 80, targetPort: 8080 } ]
'@
        $deployments = 'blue', 'green' | ForEach-Object { @"
apiVersion: apps/v1
kind: Deployment
metadata: { name: bg-$_, namespace: store }
spec:
  replicas: 1
  selector: { matchLabels: { app: bg, track: $_ } }
  template:
    metadata: { labels: { app: bg, track: $_ } }
    spec:
      containers: [ { name: main, image: kubeps/busybox:1, command: [ sleep, '3600' ] } ]
"@ }
        (@($service) + $deployments) -join "`n---`n" | ConvertFrom-KubeYaml | Publish-KubeManifest | Out-Null

        $said = & (Join-Path $examples 'Switch-BlueGreen.ps1') -App bg -Namespace store -Image kubeps/busybox:1 -TimeoutSeconds 120
        $said | Should -Be 'Service bg now sends traffic to bg-green.'
        (Get-KubeService -Namespace store -Name bg).Spec.Selector['track'] | Should -Be 'green'
        (Get-KubeDeployment -Namespace store -Name bg-green).Status.AvailableReplicas | Should -Be 1
    }

    It 'removes finished Jobs older than asked, and with -WhatIf only says so' {
        New-KubeJob -Namespace store -Name done-job -Image kubeps/busybox:1 -Command sh, -c, 'true' | Out-Null
        Wait-Until { (Get-KubeJob -Namespace store -Name done-job).Status.Succeeded -eq 1 } 60
        & (Join-Path $examples 'Remove-FinishedJob.ps1') -OlderThan 0 -WhatIf
        Get-KubeJob -Namespace store -Name done-job | Should -Not -BeNullOrEmpty
        & (Join-Path $examples 'Remove-FinishedJob.ps1') -OlderThan 0
        Get-KubeJob -Namespace store -Name done-job -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'writes the nightly report of failed pods' {
        New-KubePod -Namespace store -Name crashed -Image kubeps/busybox:1 -Command sh, -c, 'exit 2' -RestartPolicy Never | Out-Null
        Wait-Until { (Get-KubePod -Namespace store -Name crashed).Status.Phase -eq 'Failed' } 60
        $said = & (Join-Path $examples 'Send-FailedPodReport.ps1') -KubeConfig $kubeconfig -ReportFolder $settings.DataPath
        $said | Should -Match '^\d+ failed pod\(s\); report in '
        $rows = Import-Csv (Get-ChildItem (Join-Path $settings.DataPath 'failed-pods-*.csv')).FullName
        ($rows | Where-Object Name -eq crashed).Status | Should -Be 'Error'
        ($rows | Where-Object Name -eq crashed).Namespace | Should -Be 'store'
    }
}

Describe 'Contexts' {
    BeforeAll {
        # A kubeconfig with a second context on the same cluster, whose default namespace is store.
        $script:twoContexts = Join-Path $settings.DataPath 'two-contexts'
        Copy-Item $kubeconfig $twoContexts
        kubectl config --kubeconfig $twoContexts set-context shop --cluster=kubeps --user=kubeps-admin --namespace=store | Out-Null
        $script:server = kubectl config --kubeconfig $kubeconfig view -o jsonpath='{.clusters[0].cluster.server}'
        $script:token = kubectl config --kubeconfig $kubeconfig view --raw -o jsonpath='{.users[0].user.token}'
        $script:ca = Join-Path $settings.DataPath 'ca.crt'
        [IO.File]::WriteAllBytes($ca, [Convert]::FromBase64String((kubectl config --kubeconfig $kubeconfig view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')))
    }

    AfterAll {
        $env:KUBECONFIG = $null
        Connect-KubeCluster $kubeconfig
    }

    It 'connects to the kubeconfig kubectl would read, and lists its contexts with the one in use' {
        $env:KUBECONFIG = $twoContexts
        Connect-KubeCluster
        $cluster = Get-KubeCluster
        $cluster.KubeConfig | Should -Be $twoContexts
        $cluster.Context | Should -Be 'kubeps'
        $cluster.Nodes | Should -Contain "$($settings.ClusterName)-node-1"
        $contexts = Get-KubeContext
        $contexts.Name | Should -Be @('kubeps', 'shop')
        ($contexts | Where-Object Current).Name | Should -Be 'kubeps'
        ($contexts | Where-Object Name -eq shop).Namespace | Should -Be 'store'
    }

    It 'runs one cmdlet in another context with -Context, in that context''s namespace, leaving the session as it was' {
        (Get-KubeConfigMap -Context shop -Name shop-settings).Namespace | Should -Be 'store'
        Get-KubeConfigMap -Name shop-settings -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-KubeCluster).Namespace | Should -Be 'default'
        $line = 'Get-KubePod -Context sh'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('shop')
    }

    It 'switches the session''s context and its default namespace with Set-KubeContext' {
        Set-KubeContext shop
        (Get-KubeCluster).Namespace | Should -Be 'store'
        (Get-KubeConfigMap -Name shop-settings).Data['mode'] | Should -Be 'fast'
        (Get-KubeContext | Where-Object Current).Name | Should -Be 'shop'
        Set-KubeContext -Namespace default
        (Get-KubeCluster).Namespace | Should -Be 'default'
        { Set-KubeContext -Name nowhere -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.KubeConfigInvalid,*'
        (Get-KubeCluster).Context | Should -Be 'shop'
    }

    It 'connects by server, token and CA, refuses an unknown CA unless -SkipTlsVerify, and disconnects' {
        Connect-KubeCluster -Server $server -Token $token -CertificateAuthority $ca -Namespace store
        (Get-KubeCluster).KubeConfig | Should -BeNullOrEmpty
        (Get-KubeConfigMap -Name shop-settings).Namespace | Should -Be 'store'

        { Connect-KubeCluster -Server $server -Token $token -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.ConnectionFailed,*'
        (Get-KubeCluster).Namespace | Should -Be 'store'
        Connect-KubeCluster -Server $server -Token $token -SkipTlsVerify
        (Get-KubeNamespace -Name store).Name | Should -Be 'store'

        Disconnect-KubeCluster
        { Get-KubePod -ErrorAction Stop } | Should -Throw -ErrorId 'KubePS.NotConnected,*'
    }
}
