using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Errors;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.Tests.Recovery.Rig.FabricConfigSpaces;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// A small PCIe fabric for recovery tests on real ConfigSpace models: SBR resets everything below a
/// bridge (sticky bits kept), the link trains, functions answer RRS until ready, and every config
/// request that reaches a function before the spec allows is recorded as a violation.
/// </summary>
public sealed class TestFabric(TestEventLoop loop) : IConfigAccess, IErrorHierarchy, IRecoveryScopeProvider
{
    private readonly Dictionary<Sbdf, FabricFunction> _functions = [];

    public SimTime LinkTrainTime { get; set; } = SimTime.FromMilliseconds(5);

    public List<string> Violations { get; } = [];

    public List<(SimTime Time, Sbdf Function, int Offset, int Size, bool Write, uint Value)> Accesses { get; } = [];

    public bool RecordAccesses { get; set; } = true;

    public FabricFunction Add(Sbdf address, ConfigSpace config, Sbdf? parent = null)
    {
        var p = parent is Sbdf ps ? _functions[ps] : null;
        var f = new FabricFunction(address, config, p);
        p?.Children.Add(f);
        _functions[address] = f;
        return f;
    }

    public FabricFunction this[Sbdf address] => _functions[address];

    public uint Read(Sbdf function, int offset, int size)
    {
        if (RecordAccesses) Accesses.Add((loop.Now, function, offset, size, false, 0));
        if (!_functions.TryGetValue(function, out var f) || f.Removed) return Ones(size);
        if (!CheckReady(f, offset, size, write: false, out uint early)) return early;
        return f.Config.Read(offset, size);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        if (RecordAccesses) Accesses.Add((loop.Now, function, offset, size, true, value));
        if (!_functions.TryGetValue(function, out var f) || f.Removed) return;
        if (!CheckReady(f, offset, size, write: true, out _)) return;
        bool wasReset = f.IsBridge && (f.Config.Read(ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        f.Config.Write(offset, size, value);
        if (!f.IsBridge || offset > ConfigHeader.BridgeControl || offset + size <= ConfigHeader.BridgeControl) return;
        bool isReset = (f.Config.Read(ConfigHeader.BridgeControl, 2) & ConfigHeader.BridgeControlSecondaryBusReset) != 0;
        if (isReset && !wasReset) AssertSbr(f);
        if (!isReset && wasReset) DeassertSbr(f);
    }

    /// <summary>
    /// PCIe Base 6.0 §6.6.1: no config request while in reset or before the function is ready; Vendor
    /// ID reads are the RRS poll and are allowed once the link is up (the 100 ms rule is checked
    /// against the function's readiness report: Immediate Readiness or RTR shorten it).
    /// </summary>
    private bool CheckReady(FabricFunction f, int offset, int size, bool write, out uint value)
    {
        value = Ones(size);
        if (f.InReset) { Violations.Add($"{loop.Now}: {(write ? "write" : "read")} 0x{offset:x} of {f.Address} during reset"); return false; }
        if (f.ReadyAt is not SimTime ready || loop.Now >= ready) return true;
        bool vendorPoll = !write && offset == 0 && size >= 2;
        if (!vendorPoll) { Violations.Add($"{loop.Now}: {(write ? "write" : "read")} 0x{offset:x} of {f.Address} before it was ready"); return false; }
        if (f.LinkUpAt is not SimTime up || loop.Now < up + AllowedDelay(f))
            Violations.Add($"{loop.Now}: Vendor ID poll of {f.Address} earlier than the spec allows after link up");
        value = size == 2 ? 0x0001u : 0xFFFF_0001u;
        return false;
    }

    private static SimTime AllowedDelay(FabricFunction f)
    {
        if ((f.Config.Read(ConfigHeader.Status, 2) & 1) != 0) return SimTime.Zero;
        if ((f.Config.Read(RtrAt, 4) & 0xFFFF) == 0x0022 && ReadinessTimeReportingCapability.IsValid(f.Config.Bytes, RtrAt))
            return new SimTime(ReadinessTimeReportingCapability.DlUpTimeNs(f.Config.Bytes, RtrAt));
        return SimTime.FromMilliseconds(100);
    }

    private void AssertSbr(FabricFunction bridge)
    {
        bridge.Config.ClearBits(PcieAt + PciExpressCapability.LinkStatus, 2, PciExpressCapability.LinkStaDllActive);
        foreach (var c in Below(bridge))
        {
            c.InReset = true;
            c.ReadyAt = null;
            c.LinkUpAt = null;
            c.Config.Reset(ResetKind.Conventional);
        }
    }

    private void DeassertSbr(FabricFunction bridge)
    {
        var children = Below(bridge).ToList();
        foreach (var c in children) { c.InReset = false; c.ReadyAt = SimTime.FromSeconds(1000); }
        if (children.All(c => c.Removed)) return; // nothing to train a link with
        loop.Schedule(LinkTrainTime, () =>
        {
            bridge.Config.SetBits(PcieAt + PciExpressCapability.LinkStatus, 2, PciExpressCapability.LinkStaDllActive);
            foreach (var c in children)
            {
                c.LinkUpAt = loop.Now;
                c.ReadyAt = c.NeverReady ? SimTime.FromSeconds(1000) : loop.Now + c.ReadyAfterLinkUp;
            }
        }, "link-up");
    }

    private IEnumerable<FabricFunction> Below(FabricFunction bridge)
    {
        foreach (var c in bridge.Children)
        {
            yield return c;
            foreach (var g in Below(c)) yield return g;
        }
    }

    // ---- topology views --------------------------------------------------------------------

    private readonly Dictionary<Sbdf, List<Sbdf>> _below = [];

    /// <summary>Cached: the fabric's shape does not change after it is built (keeps the storm path allocation-free).</summary>
    public IReadOnlyList<Sbdf> FunctionsBelow(Sbdf rootPort)
    {
        if (!_below.TryGetValue(rootPort, out var list)) _below[rootPort] = list = Below(_functions[rootPort]).Select(f => f.Address).ToList();
        return list;
    }

    public PciePortType PortTypeOf(Sbdf function) =>
        (PciePortType)((_functions[function].Config.Read(PcieAt + PciExpressCapability.Capabilities, 2) >> 4) & 0xF);

    public RecoveryScope ScopeOf(Sbdf function)
    {
        var f = _functions[function];
        var bridge = PortTypeOf(function) is PciePortType.RootPort or PciePortType.DownstreamPort ? f : f.Parent!;
        return new RecoveryScope(bridge.Address, [.. Below(bridge).Select(c => c.Address)]);
    }

    // ---- error injection (what the device and the root port do in hardware) -----------------

    /// <summary>The device detects an uncorrectable error and sends ERR_FATAL or ERR_NONFATAL (per its severity register) to its root port.</summary>
    public bool InjectUncorrectable(Sbdf device, uint bits, uint headerDw0 = 0x4000_0001)
    {
        var f = _functions[device];
        f.Config.SetBits(AerAt + AerCapability.UncorrectableStatus, 4, bits);
        f.Config.Store(AerAt + AerCapability.HeaderLog, 4, headerDw0);
        int fep = System.Numerics.BitOperations.TrailingZeroCount(bits);
        f.Config.Store(AerAt + AerCapability.CapabilitiesControl, 4, (f.Config.Read(AerAt + AerCapability.CapabilitiesControl, 4) & ~0x1Fu) | (uint)fep);
        bool fatal = (bits & f.Config.Read(AerAt + AerCapability.UncorrectableSeverity, 4)) != 0;
        f.Config.SetBits(PcieAt + PciExpressCapability.DeviceStatus, 2, fatal ? 0x4u : 0x2u);
        var root = RootOf(f);
        uint rs = root.Config.Read(AerAt + AerCapability.RootErrorStatus, 4);
        uint add = AerCapability.ErrFatalNonFatalReceived | (fatal ? AerCapability.FatalMessagesReceived : AerCapability.NonFatalMessagesReceived);
        if ((rs & AerCapability.ErrFatalNonFatalReceived) != 0) add |= AerCapability.MultipleErrFatalNonFatalReceived;
        else
        {
            if (fatal) add |= AerCapability.FirstUncorrectableFatal;
            uint esi = root.Config.Read(AerAt + AerCapability.ErrorSourceId, 4);
            root.Config.Store(AerAt + AerCapability.ErrorSourceId, 4, (esi & 0xFFFF) | ((uint)device.RequesterId.Value << 16));
        }
        root.Config.SetBits(AerAt + AerCapability.RootErrorStatus, 4, add);
        return fatal;
    }

    public void InjectCorrectable(Sbdf device, uint bits)
    {
        var f = _functions[device];
        f.Config.SetBits(AerAt + AerCapability.CorrectableStatus, 4, bits);
        f.Config.SetBits(PcieAt + PciExpressCapability.DeviceStatus, 2, 0x1);
        var root = RootOf(f);
        uint rs = root.Config.Read(AerAt + AerCapability.RootErrorStatus, 4);
        uint add = AerCapability.ErrCorReceived;
        if ((rs & AerCapability.ErrCorReceived) != 0) add |= AerCapability.MultipleErrCorReceived;
        else
        {
            uint esi = root.Config.Read(AerAt + AerCapability.ErrorSourceId, 4);
            root.Config.Store(AerAt + AerCapability.ErrorSourceId, 4, (esi & 0xFFFF_0000) | device.RequesterId.Value);
        }
        root.Config.SetBits(AerAt + AerCapability.RootErrorStatus, 4, add);
    }

    public FabricFunction RootOf(FabricFunction f)
    {
        while (f.Parent is not null) f = f.Parent;
        return f;
    }

    private static uint Ones(int size) => size == 4 ? 0xFFFF_FFFF : (1u << (8 * size)) - 1;
}
