using System.Reflection;
using System.Runtime.Loader;

namespace KubePS.LoadContext;

/// <summary>
/// The module's own AssemblyLoadContext. The cmdlets (KubePS.Module.dll) and every dependency that
/// ships beside them (KubernetesClient, YamlDotNet, ...) load here, so another module that loaded a
/// different version of one of them first cannot break KubePS, nor KubePS it. What does not ship
/// beside the module (.NET itself, PowerShell's System.Management.Automation) comes from the default
/// context and is shared, so cmdlets and PowerShell see the same PowerShell types.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly Lock Gate = new();
    private static ModuleLoadContext? _instance;
    private readonly string _folder;

    private ModuleLoadContext(string folder)
        : base("KubePS", isCollectible: false) => _folder = folder;

    /// <summary>Loads the module's cmdlet assembly into the module's context (one per process).</summary>
    public static Assembly LoadModule(string assemblyPath)
    {
        lock (Gate)
        {
            _instance ??= new ModuleLoadContext(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!);

            // Import-Module -Force runs the root module again; the context keeps what it loaded.
            var name = AssemblyName.GetAssemblyName(assemblyPath).Name;
            return _instance.Assemblies.FirstOrDefault(a => a.GetName().Name == name)
                ?? _instance.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        }
    }

    /// <summary>Loads one of the module's dependencies into the module's context, by name.</summary>
    public static Assembly LoadDependency(string name)
    {
        lock (Gate)
        {
            return (_instance ?? throw new InvalidOperationException("LoadModule first.")).LoadFromAssemblyName(new AssemblyName(name));
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
        return assemblyName.Name != typeof(ModuleLoadContext).Assembly.GetName().Name && File.Exists(candidate)
            ? LoadFromAssemblyPath(candidate)
            : null;
    }
}
