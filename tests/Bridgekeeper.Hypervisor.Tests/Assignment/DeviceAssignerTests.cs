using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Hypervisor.Tests.Vpci;
using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Vpci.PassthroughRig;

namespace Bridgekeeper.Hypervisor.Tests.Assignment;

public class DeviceAssignerTests
{
    private sealed class RecordingViews(List<string> log) : IDomainViews
    {
        public int FreeSlots(DomainId guest) => 32;
        public void TearDown(Owner owner, Sbdf function) => log.Add($"teardown {owner} {function}");
        public void Build(Owner owner, Sbdf function) => log.Add($"build {owner} {function}");
    }

    private static (DeviceAssigner Assigner, OwnershipTable Owners, PassthroughRig Rig) Direct()
    {
        var rig = new PassthroughRig();
        var owners = new OwnershipTable();
        var assigner = new DeviceAssigner(owners, rig.Topology, new RecordingViews(rig.Log), new SerialisedConfigAccess(rig.Fabric),
            rig.Iommu, rig.Interrupts, HypervisorPorts.IdentityRid, HypervisorPorts.IdentityRid, rig.Events, rig.Clock);
        return (assigner, owners, rig);
    }

    [Fact]
    public void Assigning_part_of_an_isolation_group_is_refused_with_the_reason()
    {
        var rig = new PassthroughRig();
        var result = rig.Hypervisor.Assign(Guest1, [Nic0]);
        Assert.False(result.Accepted);
        Assert.Equal("EPERM", result.Code);
        Assert.Contains(Nic1.ToString(), result.Reason);
        Assert.Contains("multifunction device without ACS", result.Reason);
        Assert.Equal(OwnerKind.HardwareDomain, rig.Hypervisor.Owners.OwnerOf(Nic0).Kind);
        Assert.Empty(rig.Log);
        Assert.Single(rig.Events.OfKind(HypervisorEventKinds.AssignmentRefused));
    }

    [Fact]
    public void Assigning_a_whole_group_gives_every_member_to_the_guest_with_its_iommu_context()
    {
        var rig = new PassthroughRig();
        var result = rig.Hypervisor.Assign(Guest1, [Nic1, Nic0]);
        Assert.True(result.Accepted, result.ToString());
        Assert.Equal([Nic0, Nic1], result.Functions.ToArray());
        foreach (var f in new[] { Nic0, Nic1 })
        {
            Assert.Equal(Owner.Guest(Guest1), rig.Hypervisor.Owners.OwnerOf(f));
            Assert.Equal(IommuContext.For(Guest1), rig.Iommu.ContextOf(Sid(f)));
            Assert.NotNull(rig.Hypervisor.GuestViewOf(f));
        }
        Assert.Equal(2, rig.Events.OfKind(HypervisorEventKinds.DeviceAssigned).Count());
    }

    [Fact]
    public void Test_assign_checks_without_changing_anything()
    {
        var rig = new PassthroughRig();
        Assert.True(rig.Hypervisor.TestAssign(Guest1, [Nic0, Nic1]).Accepted);
        Assert.False(rig.Hypervisor.TestAssign(Guest1, [Nic1]).Accepted);
        Assert.Equal(OwnerKind.HardwareDomain, rig.Hypervisor.Owners.OwnerOf(Nic0).Kind);
        Assert.Empty(rig.Log);
        Assert.Null(rig.Hypervisor.GuestViewOf(Nic0));
    }

    [Fact]
    public void The_old_owner_view_goes_before_the_iommu_switch_and_the_new_view_is_built_after()
    {
        var (assigner, owners, rig) = Direct();
        Assert.True(assigner.Assign(Guest1, [Gpu]).Accepted);
        uint id = Sid(Gpu);
        Assert.Equal(
        [
            $"teardown hardware domain {Gpu}", $"its unmap {id:x}", $"iommu attach {id:x} {Guest1}", $"build guest {Guest1} {Gpu}",
        ], rig.Log);
        rig.Log.Clear();
        Assert.True(assigner.Deassign(Guest1, [Gpu], DeassignTarget.HardwareDomain).Accepted);
        Assert.Equal(
        [
            $"teardown guest {Guest1} {Gpu}", $"its unmap {id:x}", $"iommu attach {id:x} d0", $"build hardware domain {Gpu}",
        ], rig.Log);
        Assert.Equal(OwnerKind.HardwareDomain, owners.OwnerOf(Gpu).Kind);
    }

    [Fact]
    public void Assignment_turns_off_decode_and_bus_master_before_the_iommu_switch()
    {
        var (assigner, _, rig) = Direct();
        rig.Fabric.Functions[Gpu].Write(ConfigHeader.Command, 2, 0x0407);
        Assert.True(assigner.Assign(Guest1, [Gpu]).Accepted);
        Assert.Equal(0x0400u, rig.Fabric.Read(Gpu, ConfigHeader.Command, 2));
    }

    [Fact]
    public void Phantom_functions_follow_their_primary_in_the_iommu()
    {
        var (assigner, _, rig) = Direct();
        var phantom = Sbdf.Parse("02:00.4");
        rig.Topology.Phantoms[Gpu] = [phantom];
        Assert.True(assigner.Assign(Guest1, [Gpu]).Accepted);
        Assert.Equal(IommuContext.For(Guest1), rig.Iommu.ContextOf(Sid(phantom)));
        assigner.Deassign(Guest1, [Gpu], DeassignTarget.Quarantine);
        Assert.Equal(IommuContext.Blocked, rig.Iommu.ContextOf(Sid(phantom)));
        Assert.Equal(IommuContext.Blocked, rig.Iommu.ContextOf(Sid(Gpu)));
    }

    [Fact]
    public void A_broken_device_never_goes_to_a_guest()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.MarkBroken(Gpu, "link never trained");
        var result = rig.Hypervisor.Assign(Guest1, [Gpu]);
        Assert.Equal("EBADF", result.Code);
        Assert.Equal(IommuContext.Blocked, rig.Iommu.ContextOf(Sid(Gpu)));
        Assert.Equal(OwnerKind.Broken, rig.Hypervisor.Owners.OwnerOf(Gpu).Kind);
        Assert.Equal("EBADF", rig.Hypervisor.ReturnToHardwareDomain(Gpu).Code);
        Assert.Single(rig.Events.OfKind(HypervisorEventKinds.DeviceBroken));
    }

    [Fact]
    public void A_function_already_assigned_to_a_guest_is_refused_to_another()
    {
        var rig = new PassthroughRig();
        Assert.True(rig.Hypervisor.Assign(Guest1, [Gpu]).Accepted);
        var result = rig.Hypervisor.Assign(Guest2, [Gpu]);
        Assert.Equal("EBUSY", result.Code);
        Assert.Contains("guest d1", result.Reason);
    }

    [Fact]
    public void A_bridge_an_unknown_function_a_non_guest_or_a_missing_guest_is_refused()
    {
        var rig = new PassthroughRig();
        Assert.Equal("EPERM", rig.Hypervisor.Assign(Guest1, [Port1]).Code);
        Assert.Equal("ENODEV", rig.Hypervisor.Assign(Guest1, [Sbdf.Parse("07:00.0")]).Code);
        Assert.Equal("ESRCH", rig.Hypervisor.Assign(DomainId.Hardware, [Gpu]).Code);
        Assert.Equal("ESRCH", rig.Hypervisor.Assign(new DomainId(9), [Gpu]).Code);
        Assert.Equal("EINVAL", rig.Hypervisor.Assign(Guest1, []).Code);
    }

    [Fact]
    public void Deassign_goes_to_quarantine_or_the_hardware_domain_by_policy()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.Assign(Guest1, [Gpu]);
        Assert.True(rig.Hypervisor.Deassign(Guest1, [Gpu]).Accepted);
        Assert.Equal(OwnerKind.Quarantine, rig.Hypervisor.Owners.OwnerOf(Gpu).Kind);
        Assert.Equal(IommuContext.Blocked, rig.Iommu.ContextOf(Sid(Gpu)));
        Assert.Null(rig.Hypervisor.GuestViewOf(Gpu));
        Assert.Equal(0xFFFF_FFFFu, rig.Hypervisor.ConfigRead(Guest1, Sbdf.Parse("01:00.0"), 0, 4));
        // From quarantine a function may be assigned again.
        Assert.True(rig.Hypervisor.Assign(Guest2, [Gpu]).Accepted);
        rig.Hypervisor.DefaultDeassignTarget = DeassignTarget.HardwareDomain;
        Assert.True(rig.Hypervisor.Deassign(Guest2, [Gpu]).Accepted);
        Assert.Equal(OwnerKind.HardwareDomain, rig.Hypervisor.Owners.OwnerOf(Gpu).Kind);
        Assert.Equal(IommuContext.For(DomainId.Hardware), rig.Iommu.ContextOf(Sid(Gpu)));
    }

    [Fact]
    public void Deassigning_part_of_a_group_or_a_function_the_guest_does_not_own_is_refused()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]);
        Assert.Equal("EPERM", rig.Hypervisor.Deassign(Guest1, [Nic0]).Code);
        Assert.Equal("EINVAL", rig.Hypervisor.Deassign(Guest2, [Nic0, Nic1]).Code);
        Assert.Equal(Owner.Guest(Guest1), rig.Hypervisor.Owners.OwnerOf(Nic0));
    }

    [Fact]
    public void Quarantine_takes_a_function_from_its_guest_and_blocks_its_dma_and_the_rest_of_the_group_can_still_be_deassigned()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]);
        var previous = rig.Hypervisor.Quarantine(Nic0, "fatal error, reset failed");
        Assert.Equal(Owner.Guest(Guest1), previous);
        Assert.Equal(OwnerKind.Quarantine, rig.Hypervisor.Owners.OwnerOf(Nic0).Kind);
        Assert.Equal(IommuContext.Blocked, rig.Iommu.ContextOf(Sid(Nic0)));
        Assert.Null(rig.Hypervisor.GuestViewOf(Nic0));
        var e = Assert.Single(rig.Events.OfKind(EventKinds.DeviceQuarantined));
        Assert.Contains("reset failed", e.Text);
        Assert.Equal(Guest1, e.Domain);
        Assert.True(rig.Hypervisor.Deassign(Guest1, [Nic1]).Accepted);
        Assert.True(rig.Hypervisor.ReturnToHardwareDomain(Nic0).Accepted);
        Assert.Equal(IommuContext.For(DomainId.Hardware), rig.Iommu.ContextOf(Sid(Nic0)));
    }

    [Fact]
    public void Every_ownership_change_unmaps_the_its_device_id()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.Assign(Guest1, [Gpu]);
        rig.Hypervisor.Quarantine(Gpu, "test");
        rig.Hypervisor.ReturnToHardwareDomain(Gpu);
        Assert.Equal(3, rig.Log.Count(l => l == $"its unmap {Sid(Gpu):x}"));
    }

    [Fact]
    public void Destroying_a_guest_releases_its_devices()
    {
        var rig = new PassthroughRig();
        rig.Hypervisor.Assign(Guest1, [Nic0, Nic1]);
        rig.Hypervisor.DestroyGuest(Guest1, DeassignTarget.HardwareDomain);
        Assert.Null(rig.Hypervisor.Guest(Guest1));
        Assert.Equal(OwnerKind.HardwareDomain, rig.Hypervisor.Owners.OwnerOf(Nic1).Kind);
        Assert.Empty(rig.Hypervisor.Owners.Entries);
    }

    [Fact]
    public void A_guest_has_32_virtual_slots_and_a_33rd_device_is_refused()
    {
        var rig = new PassthroughRig();
        var topology = rig.Topology;
        var many = new List<Sbdf>();
        for (int d = 0; d < 33; d++)
        {
            var f = new Sbdf(0, 0x10, d % 32, d / 32);
            rig.Fabric.Functions[f] = ConfigBuilder.Endpoint(multifunction: false);
            topology.Group("own group", f);
            many.Add(f);
        }
        Assert.True(rig.Hypervisor.Assign(Guest2, many.Take(32).ToList()).Accepted);
        Assert.Equal("ENOSPC", rig.Hypervisor.Assign(Guest2, [many[32]]).Code);
    }
}
