using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Platform.Tests;

public class RandomPlatformGeneratorTests
{
    // Boots a drawn platform and enables every PF's VFs as the hardware domain does (SR-IOV §9.3.3.3.1).
    private static SimulatedMachine BootWithVfs(RandomPlatform p)
    {
        var m = SimulatedMachine.Create(p.Description);
        foreach (var f in m.Fabric.AllFunctions().ToList())
        {
            if (f.SriovCapability == 0) continue;
            m.Config.Write(f.Address, f.SriovCapability + SriovCapability.NumVfs, 2, RandomPlatformGenerator.VirtualFunctionsEnabled);
            m.Config.Write(f.Address, f.SriovCapability + SriovCapability.Control, 2, SriovCapability.VfEnable);
        }
        m.EventLoop.RunUntilIdle();
        return m;
    }

    [Fact]
    public void Every_drawn_platform_boots_and_every_assignable_function_answers_at_its_own_address()
    {
        Gen.ULong.Sample(seed =>
        {
            var p = RandomPlatformGenerator.Generate(seed);
            var m = BootWithVfs(p);
            Assert.NotEmpty(m.Fabric.AllFunctions());
            foreach (var d in p.Assignable)
            {
                foreach (var name in d.Functions)
                {
                    var f = m.Fabric.AllFunctions().Single(x => x.Name == name);
                    Assert.Same(f, m.Find(f.Address));
                    // A VF's Vendor ID reads FFFFh by definition (PCIe Base 6.0 §9.3.4.1.1); every other function answers with its own.
                    uint vendor = m.Config.Read(f.Address, ConfigHeader.VendorId, 2);
                    Assert.True(f.PhysicalFunction is not null || vendor != 0xFFFF, $"{name} at {f.Address} reads {vendor:x4} on\n{p.Yaml}");
                }
            }
            // Every bridge got a bus range that holds everything below it (boot firmware's numbering).
            foreach (var b in m.Fabric.AllFunctions().Where(f => f.IsBridge))
            {
                byte secondary = b.Config.Bytes[ConfigHeader.SecondaryBus], subordinate = b.Config.Bytes[ConfigHeader.SubordinateBus];
                Assert.True(secondary > b.Address.Bus && subordinate >= secondary, $"{b.Name}: bus {b.Address.Bus}, secondary {secondary}, subordinate {subordinate}");
            }
        }, iter: 150);
    }

    [Fact]
    public void The_same_seed_draws_the_same_platform_file_and_the_file_reads_back_to_the_same_machine()
    {
        Gen.ULong.Sample(seed =>
        {
            var a = RandomPlatformGenerator.Generate(seed);
            var b = RandomPlatformGenerator.Generate(seed);
            Assert.Equal(a.Yaml, b.Yaml);
            Assert.Equal(a.Assignable.SelectMany(d => d.Functions), b.Assignable.SelectMany(d => d.Functions));
            var fromFile = PlatformYamlReader.Read(a.Yaml, "saved");
            var m1 = SimulatedMachine.Create(a.Description);
            var m2 = SimulatedMachine.Create(fromFile);
            Assert.Equal(m1.Fabric.AllFunctions().Select(f => (f.Name, f.Address)), m2.Fabric.AllFunctions().Select(f => (f.Name, f.Address)));
        }, iter: 50);
    }

    [Fact]
    public void Drawn_platforms_cover_every_shape_the_campaign_needs()
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        bool twoSegments = false, portWithoutAcs = false, firmwareFirst = false, drs = false, immediate = false, reported = false;
        for (ulong seed = 0; seed < 200; seed++)
        {
            var p = RandomPlatformGenerator.Generate(seed);
            twoSegments |= p.Description.HostBridges.Length == 2;
            firmwareFirst |= p.Assignable.Any(d => d.BelowFirmwareFirstPort);
            foreach (var d in p.Description.HostBridges.SelectMany(h => Flatten(h.Devices)))
            {
                models.Add(d.Model);
                portWithoutAcs |= d.Options.Acs == false;
                drs |= d.Options.Drs;
                immediate |= d.Options.ImmediateReadiness;
                reported |= d.Options.ReportedReadiness is not null;
            }
        }
        Assert.True(twoSegments && portWithoutAcs && firmwareFirst && drs && immediate && reported);
        Assert.Superset(new HashSet<string>(["pex8747-upstream", "pex8747-downstream", "mellanox-connectx5", "broadcom-bcm57416",
            "asmedia-asm1083", "intel-82540em", "hisilicon-zip", "rcec", "samsung-pm9a3", "intel-p5510"]), models);
    }

    private static IEnumerable<DeviceDescription> Flatten(IEnumerable<DeviceDescription> devices) =>
        devices.SelectMany(d => new[] { d }.Concat(Flatten(d.Children)));
}
