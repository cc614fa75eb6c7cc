using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// <see cref="SimulatedMachine.Create"/> copies a booted template per description; every machine it gives
/// must be indistinguishable from one assembled from scratch, and share no mutable state with another.
/// </summary>
public class MachineTemplateTests
{
    public static TheoryData<string> Platforms()
    {
        var data = new TheoryData<string> { "arm-server" };
        foreach (ulong seed in new ulong[] { 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 200, 255 }) data.Add($"random:{seed}");
        return data;
    }

    private static PlatformDescription DescriptionOf(string name) =>
        name == "arm-server" ? BuiltInPlatforms.ArmServer : RandomPlatformGenerator.Generate(ulong.Parse(name["random:".Length..])).Description;

    [Theory]
    [MemberData(nameof(Platforms))]
    public void A_machine_copied_from_the_template_equals_a_freshly_assembled_one(string platform)
    {
        var description = DescriptionOf(platform);
        var first = SimulatedMachine.Create(description, new MachineOptions(7));
        var copied = SimulatedMachine.Create(description, new MachineOptions(7));
        var fresh = SimulatedMachine.Assemble(description, new MachineOptions(7));
        AssertSameMachine(fresh, first);
        AssertSameMachine(fresh, copied);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Machines_copied_from_one_template_share_no_mutable_state(string platform)
    {
        var description = DescriptionOf(platform);
        var a = SimulatedMachine.Create(description);
        var b = SimulatedMachine.Create(description);
        Assert.NotSame(a.Fabric, b.Fabric);
        foreach (var (name, fa) in a.FunctionsByName)
        {
            var fb = b[name];
            Assert.NotSame(fa, fb);
            Assert.NotSame(fa.Config, fb.Config);
            // Scribble over every writable bit of a's copy: b and a later copy keep the booted bytes.
            byte[] before = fb.Config.Bytes.ToArray();
            for (int at = 0; at < fa.Config.Size; at += 4) fa.Config.Store(at, 4, 0xA5A5_A5A5);
            Assert.Equal(before, fb.Config.Bytes.ToArray());
            Assert.Equal(before, SimulatedMachine.Create(description)[name].Config.Bytes.ToArray());
        }
        foreach (var s in a.FirmwareFirst.Sources) a.Memory.WriteUInt64(s.Description.ReadAckRegister, 0);
        foreach (var s in b.FirmwareFirst.Sources)
        {
            if (s.Description.Version == 2) Assert.Equal(1UL, b.Memory.ReadUInt64(s.Description.ReadAckRegister));
        }
    }

    [Fact]
    public void Enabling_virtual_functions_on_a_copied_machine_gives_the_same_functions_as_on_a_fresh_one()
    {
        // The built-in server and a drawn platform carry SR-IOV PFs; VF Enable builds VFs from the shared VF config factory.
        foreach (var description in new[] { BuiltInPlatforms.ArmServer, FirstWithSriov() })
        {
            _ = SimulatedMachine.Create(description);
            var copied = SimulatedMachine.Create(description);
            var fresh = SimulatedMachine.Assemble(description);
            EnableVfs(copied);
            EnableVfs(fresh);
            AssertSameMachine(fresh, copied);
        }
    }

    private static PlatformDescription FirstWithSriov()
    {
        for (ulong seed = 0; ; seed++)
        {
            var d = RandomPlatformGenerator.Generate(seed).Description;
            if (SimulatedMachine.Assemble(d).FunctionsByName.Values.Any(f => f.SriovCapability != 0)) return d;
        }
    }

    private static void EnableVfs(SimulatedMachine m)
    {
        foreach (var f in m.FunctionsByName.Values)
        {
            if (f.SriovCapability == 0) continue;
            m.Config.Write(f.Address, f.SriovCapability + SriovCapability.NumVfs, 2, 4);
            m.Config.Write(f.Address, f.SriovCapability + SriovCapability.Control, 2, (uint)(SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable));
        }
        m.EventLoop.RunFor(SimTime.FromMilliseconds(110));
    }

    private static void AssertSameMachine(SimulatedMachine expected, SimulatedMachine actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Fabric.HostBridges.Count, actual.Fabric.HostBridges.Count);
        for (int i = 0; i < expected.Fabric.HostBridges.Count; i++)
        {
            var e = expected.Fabric.HostBridges[i];
            var a = actual.Fabric.HostBridges[i];
            Assert.Equal((e.Name, e.Segment, e.EcamBase, e.StartBus, e.EndBus, e.Mmio32Base, e.Mmio32Size, e.Mmio64Base, e.Mmio64Size),
                (a.Name, a.Segment, a.EcamBase, a.StartBus, a.EndBus, a.Mmio32Base, a.Mmio32Size, a.Mmio64Base, a.Mmio64Size));
            Assert.Equal((e.IoBase, e.IoSize, e.StreamIdBase, e.DeviceIdBase, e.IntxSpiBase, e.FirmwareFirst),
                (a.IoBase, a.IoSize, a.StreamIdBase, a.DeviceIdBase, a.IntxSpiBase, a.FirmwareFirst));
        }
        Assert.Equal(expected.FunctionsByName.Keys, actual.FunctionsByName.Keys);
        Assert.Equal(expected.Fabric.AllFunctions().Select(f => f.Name), actual.Fabric.AllFunctions().Select(f => f.Name));
        foreach (var e in expected.Fabric.AllFunctions()) AssertSameFunction(e, actual.FunctionAt(e.Address));

        var be = expected.Boot!;
        var ba = actual.Boot!;
        Assert.Equal(be.Placements.Select(p => (p.Function.Name, p.Offset, p.Address, p.Size)), ba.Placements.Select(p => (p.Function.Name, p.Offset, p.Address, p.Size)));
        Assert.Equal(be.IoPlacements.Select(p => (p.Function.Name, p.Offset, p.Address, p.Size)), ba.IoPlacements.Select(p => (p.Function.Name, p.Offset, p.Address, p.Size)));
        Assert.Equal(be.Unassigned.Select(p => (p.Function.Name, p.Offset, p.Size)), ba.Unassigned.Select(p => (p.Function.Name, p.Offset, p.Size)));
        foreach (var p in ba.Placements) Assert.Same(actual[p.Function.Name], p.Function);

        Assert.Equal(expected.Firmware.Mcfg.ToArray(), actual.Firmware.Mcfg.ToArray());
        Assert.Equal(expected.Firmware.Iort.ToArray(), actual.Firmware.Iort.ToArray());
        Assert.Equal(expected.Firmware.Hest.ToArray(), actual.Firmware.Hest.ToArray());
        Assert.Equal(expected.Firmware.McfgAllocations.ToArray(), actual.Firmware.McfgAllocations.ToArray());
        Assert.Equal(expected.Firmware.IortRootComplexes.ToArray(), actual.Firmware.IortRootComplexes.ToArray());
        Assert.Equal(expected.Firmware.HestSources.ToArray(), actual.Firmware.HestSources.ToArray());
        Assert.Equal(expected.FirmwareFirst.Sources.Count, actual.FirmwareFirst.Sources.Count);
        for (int i = 0; i < expected.FirmwareFirst.Sources.Count; i++)
        {
            var e = expected.FirmwareFirst.Sources[i];
            var a = actual.FirmwareFirst.Sources[i];
            Assert.Equal(e.Description, a.Description);
            Assert.Equal(e.RootPort?.Name, a.RootPort?.Name);
            if (a.RootPort is not null) Assert.Same(actual[a.RootPort.Name], a.RootPort);
            Assert.Equal(expected.Memory.ReadUInt64(e.Description.StatusAddressRegister), actual.Memory.ReadUInt64(a.Description.StatusAddressRegister));
            Assert.Equal(expected.Memory.ReadUInt64(e.Description.ReadAckRegister), actual.Memory.ReadUInt64(a.Description.ReadAckRegister));
        }
        Assert.Equal(expected.EventLoop.Now, actual.EventLoop.Now);
    }

    private static void AssertSameFunction(SimFunction e, SimFunction a)
    {
        Assert.Equal(e.Name, a.Name);
        Assert.Equal(e.Address, a.Address);
        Assert.Equal(e.Config.Bytes.ToArray(), a.Config.Bytes.ToArray());
        Assert.Equal(e.Config.Defaults.ToArray(), a.Config.Defaults.ToArray());
        var ea = e.Config.Attributes;
        var aa = a.Config.Attributes;
        Assert.Equal(ea.Writable.ToArray(), aa.Writable.ToArray());
        Assert.Equal(ea.WriteOneToClear.ToArray(), aa.WriteOneToClear.ToArray());
        Assert.Equal(ea.StickyMask.ToArray(), aa.StickyMask.ToArray());
        Assert.Equal(ea.PreservedReserved.ToArray(), aa.PreservedReserved.ToArray());
        Assert.Equal(ea.ZeroReserved.ToArray(), aa.ZeroReserved.ToArray());
        Assert.Equal(ea.HardwareInitialised.ToArray(), aa.HardwareInitialised.ToArray());
        Assert.Equal(e.Readiness, a.Readiness);
        Assert.Equal((e.WiredInterrupt, e.LinkTrainingTime, e.FirmwareFirst, e.IsBridge, e.SecondaryBus is null, e.DevFn),
            (a.WiredInterrupt, a.LinkTrainingTime, a.FirmwareFirst, a.IsBridge, a.SecondaryBus is null, a.DevFn));
        Assert.Equal((e.Removed, e.InReset, e.ReadyAt, e.LinkUp, e.IntxAsserted), (a.Removed, a.InReset, a.ReadyAt, a.LinkUp, a.IntxAsserted));
        Assert.Equal((e.PcieCapability, e.AerCapability, e.SriovCapability, e.MsiCapability, e.MsixCapability, e.PmCapability),
            (a.PcieCapability, a.AerCapability, a.SriovCapability, a.MsiCapability, a.MsixCapability, a.PmCapability));
        Assert.Equal(e.UpstreamBridge?.Name, a.UpstreamBridge?.Name);
        Assert.Equal(e.PhysicalFunction?.Name, a.PhysicalFunction?.Name);
        Assert.Equal(e.VirtualFunctions.Select(v => v.Name), a.VirtualFunctions.Select(v => v.Name));
        Assert.Equal(e.VirtualFunctionConfig is null, a.VirtualFunctionConfig is null);
        if (e.VirtualFunctionConfig is { } vf) Assert.Equal(vf(1).Bytes.ToArray(), a.VirtualFunctionConfig!(1).Bytes.ToArray());
    }
}
