using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// How long a function takes to become Configuration-Ready (PCIe Base 6.0 §6.6.1, §6.23): after a
/// conventional reset once its link is up, after an FLR, and (for a PF) after VF Enable. Until then
/// it answers configuration requests with Request Retry Status. Immediate Readiness (Status bit 0,
/// §7.5.1.1.4) makes it ready at once; a valid Readiness Time Reporting capability (§7.9.16), when
/// present, overrides the model's times, as the device itself reports them. <see cref="NeverReady"/>
/// models a broken device that answers RRS forever.
/// </summary>
public sealed record FunctionReadiness(
    SimTime AfterReset,
    SimTime AfterFlr,
    SimTime AfterVfEnable,
    bool NeverReady = false)
{
    /// <summary>The spec's upper bounds: 100 ms after reset/FLR/VF Enable are always enough for a compliant device.</summary>
    public static readonly FunctionReadiness SpecDefault = new(
        SimTime.FromMilliseconds(100), SimTime.FromMilliseconds(100), SimTime.FromMilliseconds(100));
}
