# Loads the module as build.ps1 -Task Build laid it out in artifacts/KubePS/ (its manifest is
# src/KubePS.Module/KubePS.psd1), so `Import-Module ./KubePS.psd1` works from a clone. That manifest is
# the root module, so the cmdlets' module base stays artifacts/KubePS/, where their help lives.
@{
    ModuleVersion        = '0.1.0'
    GUID                 = '9b1f6c44-2d0e-4c53-8a7e-5f3e1d2b7a90'
    Author               = 'KubePS contributors'
    Description          = 'KubePS from a clone: loads artifacts/KubePS/KubePS.psd1.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    RootModule           = 'artifacts/KubePS/KubePS.psd1'
    CmdletsToExport      = '*'
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
