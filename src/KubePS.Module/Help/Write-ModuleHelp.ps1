<#
.SYNOPSIS
    Writes the module's MAML help (en-US/KubePS.Module.dll-Help.xml) from the cmdlets' XML
    documentation comments, so Get-Help shows what the source says. build.ps1 runs it in a child
    pwsh after publishing the module.
.PARAMETER ModuleFolder
    The published module (artifacts/KubePS), with KubePS.psd1, KubePS.Module.dll and KubePS.Module.xml.
#>
param([Parameter(Mandatory)] [string] $ModuleFolder)
$ModuleFolder = (Resolve-Path $ModuleFolder).Path

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleFolder 'KubePS.psd1')
[xml] $docs = Get-Content -Raw (Join-Path $ModuleFolder 'KubePS.Module.xml')
$members = @{}
foreach ($member in $docs.doc.members.member) { $members[$member.name] = $member }

$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-DocText($Node) {
    # Inner text with <see cref="..."/> as its short name and whitespace folded, as help shows prose.
    if ($null -eq $Node) { return '' }
    $clone = $Node.Clone()
    foreach ($see in @($clone.SelectNodes('.//see'))) {
        $name = if ($see.cref) { ($see.cref -split '[.:]')[-1] } elseif ($see.langword) { $see.langword } else { $see.InnerText }
        $see.ParentNode.ReplaceChild($clone.OwnerDocument.CreateTextNode($name), $see) | Out-Null
    }
    ($clone.InnerText -replace '\s+', ' ').Trim()
}

function Get-DocId([Type] $Type) {
    # XML doc ids name generic types with a backtick and arity: GetKubeObjectCmdlet`1.
    $definition = if ($Type.IsGenericType) { $Type.GetGenericTypeDefinition() } else { $Type }
    $definition.FullName -replace '\+', '.'
}

function Get-ParameterDoc([Type] $Type, [string] $Name) {
    $property = $Type.GetProperty($Name)
    if ($null -eq $property) { return $null }
    $members["P:$(Get-DocId $property.DeclaringType).$Name"]
}

function Add-Para($Writer, [string] $Text) {
    foreach ($paragraph in ($Text -split "`n")) {
        $Writer.WriteElementString('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10', $paragraph)
    }
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$target = Join-Path $ModuleFolder 'en-US/KubePS.Module.dll-Help.xml'
New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($target, $settings)
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

foreach ($cmdlet in Get-Command -Module KubePS -CommandType Cmdlet | Sort-Object Name) {
    $type = $cmdlet.ImplementingType
    $doc = $members["T:$(Get-DocId $type)"]
    $description = Get-DocText $doc.SelectSingleNode('summary')
    $synopsis = ($description -split '(?<=\.)\s', 2)[0]

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('command', 'name', $command, $cmdlet.Name)
    $writer.WriteStartElement('maml', 'description', $maml); Add-Para $writer $synopsis; $writer.WriteEndElement()
    $writer.WriteElementString('command', 'verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('command', 'noun', $command, $cmdlet.Noun)
    $writer.WriteEndElement()
    $writer.WriteStartElement('maml', 'description', $maml); Add-Para $writer $description; $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('maml', 'name', $maml, $cmdlet.Name)
        foreach ($parameter in $set.Parameters | Where-Object Name -notin $common) {
            $writer.WriteStartElement('command', 'parameter', $command)
            $writer.WriteAttributeString('required', "$($parameter.IsMandatory)".ToLowerInvariant())
            $writer.WriteAttributeString('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position)" } else { 'named' }))
            $writer.WriteElementString('maml', 'name', $maml, $parameter.Name)
            if ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $writer.WriteElementString('command', 'parameterValue', $command, $parameter.ParameterType.Name)
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($parameter in $cmdlet.Parameters.Values | Where-Object Name -notin $common | Sort-Object Name) {
        $inSets = $parameter.ParameterSets.Values
        $pipeline = @(
            if ($inSets.ValueFromPipeline -contains $true) { 'true (ByValue)' }
            if ($inSets.ValueFromPipelineByPropertyName -contains $true) { 'true (ByPropertyName)' }
        )
        $position = ($inSets | Where-Object Position -ge 0 | Select-Object -First 1).Position
        $writer.WriteStartElement('command', 'parameter', $command)
        $writer.WriteAttributeString('required', "$($inSets.IsMandatory -contains $true)".ToLowerInvariant())
        $writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { $pipeline -join ', ' } else { 'false' }))
        $writer.WriteAttributeString('position', $(if ($null -ne $position) { "$position" } else { 'named' }))
        $writer.WriteAttributeString('globbing', "$([bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant())
        $writer.WriteElementString('maml', 'name', $maml, $parameter.Name)
        $writer.WriteStartElement('maml', 'description', $maml)
        $parameterDoc = Get-ParameterDoc $type $parameter.Name
        Add-Para $writer (Get-DocText $(if ($parameterDoc) { $parameterDoc.SelectSingleNode('summary') }))
        $writer.WriteEndElement()
        $writer.WriteElementString('command', 'parameterValue', $command, $parameter.ParameterType.Name)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $parameter.ParameterType.FullName); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'returnValues', $command)
    foreach ($output in $cmdlet.OutputType) {
        $writer.WriteStartElement('command', 'returnValue', $command)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $output.Name); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'examples', $command)
    $number = 0
    foreach ($example in @($doc.SelectNodes('example'))) {
        $number++
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- Example $number --------------------------")
        $code = $example.SelectSingleNode('code')
        $writer.WriteElementString('dev', 'code', $dev, ($code.InnerText.Trim() -replace '(?m)^\s+', ''))
        $example.RemoveChild($code) | Out-Null
        $writer.WriteStartElement('dev', 'remarks', $dev); Add-Para $writer (Get-DocText $example); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    $writer.WriteStartElement('maml', 'navigationLink', $maml)
    $writer.WriteElementString('maml', 'linkText', $maml, 'Online Version:')
    $writer.WriteElementString('maml', 'uri', $maml, $cmdlet.HelpUri)
    $writer.WriteEndElement()
    $writer.WriteStartElement('maml', 'navigationLink', $maml)
    $writer.WriteElementString('maml', 'linkText', $maml, 'about_KubePS')
    $writer.WriteEndElement()
    $writer.WriteEndElement()

    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.Dispose()
