using Bridgekeeper.Hypervisor.Tests.Support;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Bench;

/// <summary>
/// A full PCI segment: 65,536 functions. Bus 0 holds 256 functions (63 multifunction root ports with
/// ACS, 193 multifunction Intel RCiEPs); below each root port an SR-IOV PF fills its 4 buses with 1,023
/// VFs (the last one 7 buses, 1,791 VFs). All VFs share one config copy: only their IDs differ.
/// </summary>
internal static class FullSegment
{
    public static List<FunctionConfig> Functions()
    {
        var result = new List<FunctionConfig>(65_536);
        var vfConfig = SyntheticFunctions.Pcie("01:00.1", PciePortType.Endpoint, flr: true, physicalFunction: new Sbdf(0, 1, 0)).Config;
        for (int k = 0; k < 256; k++)
        {
            string address = $"00:{k >> 3:x2}.{k & 7}";
            if (k < 63)
            {
                byte sec = (byte)(1 + 4 * k);
                byte sub = k == 62 ? (byte)0xFF : (byte)(sec + 3);
                result.Add(SyntheticFunctions.Pcie(address, PciePortType.RootPort, SyntheticFunctions.RequiredAcs, multiFunction: true, secondary: sec, subordinate: sub, slotPower: true));
                int vfs = sub - sec + 1 == 4 ? 1023 : 1791;
                var pf = SyntheticFunctions.Pcie($"{sec:x2}:00.0", PciePortType.Endpoint, numVfs: vfs, flr: true, ari: true, vendor: 0x1b36, device: 0x0010);
                result.Add(pf);
                foreach (var vf in EcamEnumerator.VirtualFunctionsOf(pf.Address, FunctionFacts.Read(pf.Config.Bytes)))
                    result.Add(new FunctionConfig(vf, vfConfig, pf.Address));
            }
            else
            {
                result.Add(SyntheticFunctions.Pcie(address, PciePortType.RCiEP, multiFunction: true, vendor: 0x8086, device: 0x0b00));
            }
        }
        return result;
    }
}
