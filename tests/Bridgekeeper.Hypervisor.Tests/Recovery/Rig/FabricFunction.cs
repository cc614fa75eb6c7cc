using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>One simulated function of the test fabric: its real ConfigSpace plus reset and readiness behaviour.</summary>
public sealed class FabricFunction(Sbdf address, ConfigSpace config, FabricFunction? parent)
{
    public Sbdf Address { get; } = address;
    public ConfigSpace Config { get; } = config;
    public FabricFunction? Parent { get; } = parent;
    public List<FabricFunction> Children { get; } = [];
    public bool IsBridge => (Config.ReadByte(ConfigHeader.HeaderType) & 0x7F) == 1;

    /// <summary>How long after link up the function needs before answering config (RRS until then).</summary>
    public SimTime ReadyAfterLinkUp { get; set; } = SimTime.FromMilliseconds(100);
    public bool NeverReady { get; set; }
    public bool Removed { get; set; }

    public bool InReset { get; set; }
    public SimTime? ReadyAt { get; set; }
    public SimTime? LinkUpAt { get; set; }
}
