namespace Bridgekeeper.Hypervisor;

/// <summary>
/// Marks the hypervisor assembly for architecture tests (which check that it never references the
/// simulator, Bridgekeeper.Platform: the hypervisor sees hardware only through its ports).
/// </summary>
public static class HypervisorAssembly
{
    public static System.Reflection.Assembly Assembly => typeof(HypervisorAssembly).Assembly;
}
