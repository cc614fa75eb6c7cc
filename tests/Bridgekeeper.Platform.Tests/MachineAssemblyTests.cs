using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

public class MachineAssemblyTests
{
    [Fact]
    public void Machines_built_from_one_description_share_no_config_state()
    {
        // The assembler clones per-description config templates; a write to one machine must not reach another.
        var description = BuiltInPlatforms.ArmServer;
        var a = SimulatedMachine.Create(description);
        var b = SimulatedMachine.Create(description);
        var nvme = a["nvme0"].Address;
        uint before = b.Config.Read(nvme, ConfigHeader.Command, 2);
        a.Config.Write(nvme, ConfigHeader.Command, 2, before ^ ConfigHeader.CommandBusMaster);
        Assert.NotEqual(before, a.Config.Read(nvme, ConfigHeader.Command, 2));
        Assert.Equal(before, b.Config.Read(nvme, ConfigHeader.Command, 2));
        Assert.Equal(before, SimulatedMachine.Create(description).Config.Read(nvme, ConfigHeader.Command, 2));
        Assert.NotSame(a["nvme0"].Config, b["nvme0"].Config);
    }
}
