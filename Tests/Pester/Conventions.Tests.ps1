# The module's surface as PowerShell users expect it, checked on every exported cmdlet: a cmdlet
# added later that breaks a convention fails here without anyone writing a test for it.
BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'KubePS.psd1') -Force
    $script:cmdlets = Get-Command -Module KubePS -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name; Command = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../KubePS.psd1') -Force
    $script:approved = (Get-Verb).Verb
    $script:changing = 'New', 'Set', 'Remove', 'Start', 'Stop', 'Suspend', 'Resume', 'Restart', 'Undo', 'Publish', 'Import', 'Export', 'Connect'
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'The module manifest' {
    It 'exports every cmdlet the assembly defines, and the cmdlets DESIGN.md names for any kind' {
        $defined = [KubePS.Module.Cmdlets.KubeCmdlet].Assembly.GetExportedTypes() |
            Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        $exported = (Get-Command -Module KubePS -CommandType Cmdlet).Name
        $defined | Where-Object { $_ -notin $exported } | Should -BeNullOrEmpty
        'Get-KubeObject', 'Remove-KubeObject', 'Watch-KubeObject', 'Publish-KubeManifest', 'Export-KubeManifest',
        'ConvertTo-KubeYaml', 'ConvertFrom-KubeYaml' | Where-Object { $_ -notin $exported } | Should -BeNullOrEmpty
    }

    It 'has an about_KubePS topic' {
        (Get-Help about_KubePS | Out-String) | Should -Match 'Publish-KubeManifest'
    }
}

Describe '<Name>' -ForEach $cmdlets {
    It 'uses an approved verb and the Kube noun prefix' {
        $Command.Verb | Should -BeIn $approved
        $Command.Noun | Should -BeLike 'Kube*'
    }

    It 'supports -WhatIf and -Confirm when it changes state' {
        if ($Command.Verb -in $changing) {
            $Command.Parameters.Keys | Should -Contain 'WhatIf'
            $Command.Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'takes -Context when it talks to the API' {
        $offline = 'Start-KubeCluster', 'Stop-KubeCluster', 'Connect-KubeCluster', 'Disconnect-KubeCluster', 'Get-KubeContext',
            'Set-KubeContext', 'ConvertTo-KubeYaml', 'ConvertFrom-KubeYaml', 'Export-KubeManifest'
        if ($Name -notin $offline) {
            $Command.Parameters.Keys | Should -Contain 'Context'
        }
    }

    It 'takes a whole object by value when it creates one' {
        if ($Command.Verb -eq 'New') {
            $Command.Parameters['InputObject'].ParameterSets.Values.ValueFromPipeline | Should -Contain $true
        }
    }

    It 'declares what it outputs' {
        $Command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'binds piped objects: by value to -InputObject, or by property name to -Name and -Namespace' {
        $byValue = $Command.Parameters['InputObject'].ParameterSets.Values.ValueFromPipeline -contains $true
        if ($Command.Verb -in 'Get', 'Remove' -and $Command.Parameters['Name'] -and -not $byValue) {
            $Command.Parameters['Name'].ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Contain $true
            if ($Command.Parameters['Namespace']) {
                $Command.Parameters['Namespace'].ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Contain $true
            }
        }
    }

    It 'completes the names of existing objects, namespaces and kinds' {
        foreach ($parameter in 'Name', 'Namespace', 'Kind', 'Context', 'Container') {
            if (-not $Command.Parameters[$parameter] -or ($parameter -eq 'Name' -and $Command.Verb -eq 'New')) { continue }
            $Command.Parameters[$parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } |
                Should -Not -BeNullOrEmpty -Because "-$parameter of $Name should complete"
        }
    }

    It 'has help: a synopsis, a description, every parameter described, and an online link' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without MAML, Get-Help makes the synopsis from the syntax.
        $help.Synopsis | Should -Not -BeLike "$Name *[<CommonParameters>]*"
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        foreach ($parameter in $Command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described = ($help.parameters.parameter | Where-Object name -eq $parameter).description.Text -join ' '
            $described | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
        $Command.HelpUri | Should -BeLike 'https://*'
    }

    It 'shows in help how it is used' {
        $examples = (Get-Help $Name -Examples).examples.example
        $examples | Should -Not -BeNullOrEmpty
        ($examples.code -join "`n") | Should -BeLike "*$Name*"
    }
}
