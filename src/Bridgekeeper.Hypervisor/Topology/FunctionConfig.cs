using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// One function as seen by whoever enumerated it: its address, its config space and, for a virtual
/// function, the physical function it belongs to (a sysfs <c>physfn</c> link or a VIRTFN report).
/// <see cref="UpstreamHint"/> is the bridge the OS has the function under (the parent in its sysfs device
/// path); it is used only when config space no longer says (a bridge whose bus numbers a reset cleared),
/// and the topology then says so in a warning.
/// </summary>
public sealed record FunctionConfig(Sbdf Address, ConfigSpace Config, Sbdf? PhysicalFunction = null, Sbdf? UpstreamHint = null);
