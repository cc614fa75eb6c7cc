using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>A PF's SR-IOV state survives a reset through the snapshot (Linux sriov_restore_state).</summary>
public class ConfigSnapshotSriovTests
{
    [Fact]
    public void Restoring_a_pf_brings_back_page_size_numvfs_and_vf_enable_and_its_vfs_appear_100_ms_later()
    {
        var m = SimulatedMachine.Create(BuiltInPlatforms.ArmServer);
        var pf = m["cx5"];
        int sriov = pf.SriovCapability;
        const uint enable = SriovCapability.VfEnable | SriovCapability.VfMemorySpaceEnable;
        m.Config.Write(pf.Address, sriov + SriovCapability.SystemPageSize, 4, 0x2); // 8 KiB pages
        m.Config.Write(pf.Address, sriov + SriovCapability.NumVfs, 2, 2);
        m.Config.Write(pf.Address, sriov + SriovCapability.Control, 2, enable);
        m.EventLoop.RunUntil(m.EventLoop.Now + SimTime.FromMilliseconds(100));
        var snapshot = ConfigSnapshot.Capture(m.Config, pf.Address, FunctionCapabilities.Find(m.Config, pf.Address), aerNative: true);
        Assert.Equal([new Sbdf(0, pf.Address.Bus, 0, 1), new Sbdf(0, pf.Address.Bus, 0, 2)], snapshot.VirtualFunctions().ToArray());

        // What a reset leaves: VF Enable clear, NumVFs and System Page Size back at their defaults.
        m.Config.Write(pf.Address, sriov + SriovCapability.Control, 2, 0);
        m.Config.Write(pf.Address, sriov + SriovCapability.NumVfs, 2, 0);
        m.Config.Write(pf.Address, sriov + SriovCapability.SystemPageSize, 4, 0x1);
        Assert.Empty(pf.VirtualFunctions);

        snapshot.Restore(m.Config, aerNative: true);
        var restoredAt = m.EventLoop.Now;
        Assert.Equal(0x2u, m.Config.Read(pf.Address, sriov + SriovCapability.SystemPageSize, 4));
        Assert.Equal(2u, m.Config.Read(pf.Address, sriov + SriovCapability.NumVfs, 2));
        Assert.Equal(enable, m.Config.Read(pf.Address, sriov + SriovCapability.Control, 2) & enable);
        m.EventLoop.RunUntil(restoredAt + SimTime.FromMilliseconds(100));
        Assert.Equal(2, pf.VirtualFunctions.Count);
    }
}
