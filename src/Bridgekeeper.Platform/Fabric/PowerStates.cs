using Bridgekeeper.Pci;
using Pm = Bridgekeeper.Pci.PowerManagementCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// Device power states through PMCSR PowerState (PCIe Base 6.0 §7.5.2.2, §5.3.1). A write of a
/// state the function does not support (D1/D2 without PMC bits 9/10) completes but is discarded.
/// D3hot→D0 with No_Soft_Reset = 0 is an internal reset (§5.3.1.4.1: "D0uninitialized"; config
/// space to defaults except sticky bits), after which the function answers RRS until the D3hot→D0
/// recovery time has passed: 10 ms (§5.9, Table 5-13), the D3hot to D0 Time of a valid Readiness
/// Time Reporting capability (§7.9.16), or at once with PMC Immediate_Readiness_on_Return_to_D0
/// (bit 4). With No_Soft_Reset = 1 the function keeps its state and stays ready.
/// </summary>
internal sealed class PowerStates(ResetEngine resets)
{
    public const int D0 = 0, D1 = 1, D2 = 2, D3Hot = 3;
    private const ushort PowerStateMask = 0x0003;
    private const ushort PmcD1Support = 1 << 9, PmcD2Support = 1 << 10;

    public void OnControlStatusWritten(SimFunction f, uint before, uint after)
    {
        int at = f.PmCapability + Pm.ControlStatus;
        int from = (int)(before & PowerStateMask), to = (int)(after & PowerStateMask);
        if (from == to) return;
        ushort pmc = f.Config.ReadUInt16(f.PmCapability + Pm.Capabilities);
        if ((to == D1 && (pmc & PmcD1Support) == 0) || (to == D2 && (pmc & PmcD2Support) == 0))
        {
            // §7.5.2.2: an unsupported optional state is discarded; PowerState keeps its old value.
            f.Config.Store(at, 2, ((uint)f.Config.ReadUInt16(at) & ~(uint)PowerStateMask) | (uint)from);
            return;
        }
        if (from != D3Hot || to != D0) return;
        if ((f.Config.ReadUInt16(at) & Pm.NoSoftReset) == 0) resets.D3HotToD0Reset(f);
        else resets.D3HotToD0WithoutReset(f);
    }
}
