using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>Where a function's error- and reset-related capabilities sit, found once and cached.</summary>
public readonly record struct FunctionCapabilities(int? PciExpress, int? Aer, int? ReadinessTimeReporting, int? Msi, int? MsiX)
{
    public static FunctionCapabilities Find(IConfigAccess config, Sbdf function) => new(
        ConfigCapabilityFinder.FindStandard(config, function, CapabilityId.PciExpress),
        ConfigCapabilityFinder.FindExtended(config, function, ExtendedCapabilityId.AdvancedErrorReporting),
        ConfigCapabilityFinder.FindExtended(config, function, ExtendedCapabilityId.ReadinessTimeReporting),
        ConfigCapabilityFinder.FindStandard(config, function, CapabilityId.Msi),
        ConfigCapabilityFinder.FindStandard(config, function, CapabilityId.MsiX));
}
