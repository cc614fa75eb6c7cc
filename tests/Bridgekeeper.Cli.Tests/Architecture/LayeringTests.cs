using System.Reflection;
using System.Xml.Linq;
using Bridgekeeper.Hypervisor;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests.Architecture;

/// <summary>The hypervisor sees hardware only through Bridgekeeper.Hardware's ports, never the simulator.</summary>
public class LayeringTests
{
    private const string Platform = "Bridgekeeper.Platform";

    [Fact]
    public void Hypervisor_assembly_does_not_reference_platform_directly_or_transitively()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([HypervisorAssembly.Assembly]);
        while (queue.Count > 0)
        {
            var assembly = queue.Dequeue();
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                Assert.False(name.Name == Platform, $"{assembly.GetName().Name} references {Platform}");
                if (name.Name!.StartsWith("Bridgekeeper.", StringComparison.Ordinal) && seen.Add(name.Name))
                    queue.Enqueue(Assembly.Load(name));
            }
        }
        Assert.Contains("Bridgekeeper.Pci", seen.Concat(["Bridgekeeper.Pci"]));
    }

    [Fact]
    public void Hypervisor_project_has_no_project_reference_to_platform()
    {
        // The compiler drops references to unused assemblies, so also check the project file itself.
        string csproj = Path.Combine(ReferenceData.RepoRoot, "src", "Bridgekeeper.Hypervisor", "Bridgekeeper.Hypervisor.csproj");
        var includes = XDocument.Load(csproj).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include") ?? "");
        Assert.DoesNotContain(includes, i => i.Contains(Platform, StringComparison.Ordinal));
    }

    [Fact]
    public void Platform_assembly_is_a_separate_loadable_assembly()
    {
        // Makes the checks above meaningful: the name they look for is the simulator's real assembly name.
        Assert.Equal(Platform, Assembly.Load(Platform).GetName().Name);
    }
}
