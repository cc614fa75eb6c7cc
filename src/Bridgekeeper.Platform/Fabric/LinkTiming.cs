using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// Link training time from the end of a reset to DL_Up, by the link's speed. The LTSSM's Detect,
/// Polling and Configuration states take longer at 8 GT/s and above because they add equalisation
/// (PCIe Base 6.0 §4.2.4, §4.2.6); a compliant link must be up within 100 ms (§6.6.1), so these model
/// values stay well inside that. A port may override them in the platform file.
/// </summary>
public static class LinkTiming
{
    /// <summary>Training time for a Current Link Speed code (1 = 2.5 GT/s … 6 = 64 GT/s).</summary>
    public static SimTime TrainingTime(int speedCode) => speedCode switch
    {
        1 => SimTime.FromMilliseconds(20),
        2 => SimTime.FromMilliseconds(25),
        3 => SimTime.FromMilliseconds(30),
        4 => SimTime.FromMilliseconds(35),
        5 => SimTime.FromMilliseconds(40),
        6 => SimTime.FromMilliseconds(45),
        _ => SimTime.FromMilliseconds(20),
    };
}
