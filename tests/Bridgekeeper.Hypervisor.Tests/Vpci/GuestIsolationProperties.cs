using Bridgekeeper.Pci;
using CsCheck;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>
/// Random sequences of guest config accesses (any virtual address, offset, size and value, biased
/// towards the registers that matter) never change a physical function the guest does not own, never
/// change ACS, never set Secondary Bus Reset, and never clear or change the physical AER registers.
/// </summary>
public class GuestIsolationProperties
{
    private sealed record Access(bool Write, int Target, int Offset, int Size, ulong Value);

    private static readonly Sbdf[] Targets =
        [Sbdf.Parse("00:00.0"), Sbdf.Parse("00:01.0"), Sbdf.Parse("01:00.0"), Sbdf.Parse("02:00.0"), Sbdf.Parse("00:02.0"), Sbdf.Parse("03:00.0")];

    private static readonly int[] Interesting =
        [0x04, 0x06, 0x10, 0x14, 0x18, 0x1C, 0x30, 0x3C, 0x3E, 0x50, 0x52, 0x54, 0x5C, 0x70, 0x78, 0x7A, 0x80, 0x90,
         0x100, 0x104, 0x108, 0x10C, 0x110, 0x114, 0x118, 0x12C, 0x130, 0x134, 0x144, 0x146, 0x160, 0x168];

    private static readonly Gen<Access> AccessGen =
        Gen.Select(Gen.Bool, Gen.Int[0, Targets.Length - 1], Gen.Frequency((1, Gen.Int[0, 4095]), (3, Gen.OneOf(Interesting))),
                   Gen.OneOf(1, 2, 4, 8), Gen.Frequency((1, Gen.ULong), (1, Gen.Const(ulong.MaxValue)), (1, Gen.ULong[0, 0xFFFF])))
           .Select((write, target, offset, size, value) => new Access(write, target, offset & ~(size - 1), size, value));

    // Physical registers a guest's accesses may reach on its own function: Command, Status, Device Control,
    // and the MSI capability (0x52 control, 0x54/0x58 address, 0x5C data, 0x60 mask) and MSI-X Message
    // Control (0xB2), which the core programs from the guest's enables (the address is always the ITS doorbell).
    private static readonly int[] PhysicallyWritable =
        [ConfigHeader.Command, ConfigHeader.Status, 0x70 + PciExpressCapability.DeviceControl, 0x52, 0x54, 0x58, 0x5C, 0x60, 0xB2];

    [Fact]
    public void Guest_accesses_never_break_isolation()
    {
        AccessGen.Array[1, 250].Sample(accesses =>
        {
            var rig = new PassthroughRig();
            Assert.True(rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]).Accepted);
            var before = rig.Fabric.Snapshot();
            rig.Fabric.Writes.Clear();
            foreach (var a in accesses)
            {
                var target = Targets[a.Target];
                if (a.Size == 8)
                {
                    if (a.Write) rig.Hypervisor.ConfigWrite64(Guest1, target, a.Offset, a.Value);
                    else rig.Hypervisor.ConfigRead64(Guest1, target, a.Offset);
                }
                else if (a.Write) rig.Hypervisor.ConfigWrite(Guest1, target, a.Offset, a.Size, (uint)a.Value);
                else rig.Hypervisor.ConfigRead(Guest1, target, a.Offset, a.Size);
            }
            var after = rig.Fabric.Snapshot();
            foreach (var other in new[] { Port1, Port2, Gpu })
                Assert.Equal(before[other], after[other]);
            foreach (var (function, write) in rig.Fabric.Writes.Select(w => (w.Function, w)))
            {
                Assert.True(function == Nic0 || function == Nic1, $"a guest access wrote {function}");
                Assert.Contains(write.Offset, PhysicallyWritable);
                if (write.Offset == 0x54) Assert.Equal((uint)HypervisorPorts.DefaultItsDoorbell, write.Value);
                if (write.Offset == 0x58) Assert.Equal((uint)(HypervisorPorts.DefaultItsDoorbell >> 32), write.Value);
            }
            foreach (var own in new[] { Nic0, Nic1 })
            {
                Assert.Equal(before[own][0x100..0x12C], after[own][0x100..0x12C]);   // AER: status, mask, severity, log
                Assert.Equal(before[own][0x140..0x148], after[own][0x140..0x148]);   // ACS
                Assert.Equal(before[own][0x10..0x34], after[own][0x10..0x34]);       // BARs and ROM
            }
            Assert.Equal(0, after[Port1][ConfigHeader.BridgeControl] & ConfigHeader.BridgeControlSecondaryBusReset);
        }, iter: 120);
    }
}
