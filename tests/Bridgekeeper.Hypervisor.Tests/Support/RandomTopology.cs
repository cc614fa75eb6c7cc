using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using CsCheck;
using static Bridgekeeper.Hypervisor.Tests.Support.SyntheticFunctions;

namespace Bridgekeeper.Hypervisor.Tests.Support;

/// <summary>
/// Random but consistent hierarchies for property tests: root ports (some multifunction, some without
/// ACS), switches with downstream ports of mixed ACS, PCIe-to-PCI bridges with conventional devices,
/// multifunction endpoints, SR-IOV PFs with VFs and DMA-alias (function 1) devices. Bus numbers are
/// assigned depth first, as firmware does.
/// </summary>
internal static class RandomTopology
{
    // One int per decision keeps the generator shrinkable and the topology a pure function of it.
    public static readonly Gen<List<FunctionConfig>> Functions = Gen.Int[0, 1 << 20].Array[8, 40].Select(Build);

    private static readonly ushort?[] AcsChoices = [null, RequiredAcs, RequiredAcs, 0x000D, 0x0019];

    private static List<FunctionConfig> Build(int[] choices)
    {
        var result = new List<FunctionConfig>();
        int pick = 0;
        int Next(int n) => choices[pick++ % choices.Length] % n;
        byte nextBus = 1;
        int rootDevices = 1 + Next(4);
        for (int d = 1; d <= rootDevices; d++)
        {
            int functions = Next(3) == 0 ? 2 + Next(3) : 1;
            for (int f = 0; f < functions; f++)
            {
                byte sec = nextBus++;
                int at = result.Count;
                result.Add(default!);
                Below(sec, 0);
                result[at] = Pcie($"00:{d:x2}.{f}", PciePortType.RootPort, AcsChoices[Next(AcsChoices.Length)], multiFunction: functions > 1,
                    secondary: sec, subordinate: (byte)(nextBus - 1), slotPower: true);
            }
        }
        return result;

        void Below(byte bus, int depth)
        {
            switch (Next(depth >= 2 ? 3 : 6))
            {
                case 0:
                    result.Add(Pcie($"{bus:x2}:00.0", PciePortType.Endpoint, flr: Next(2) == 0));
                    break;
                case 1:
                {
                    int n = 2 + Next(3);
                    for (int f = 0; f < n; f++)
                        result.Add(Pcie($"{bus:x2}:00.{f}", PciePortType.Endpoint, AcsChoices[Next(AcsChoices.Length)], multiFunction: true));
                    break;
                }
                case 2:
                {
                    var pf = Pcie($"{bus:x2}:00.0", PciePortType.Endpoint, Next(2) == 0 ? RequiredAcs : null, numVfs: 1 + Next(4), flr: true);
                    result.Add(pf);
                    result.AddRange(VirtualFunctions(pf));
                    break;
                }
                case 3:
                {
                    // Marvell 88SE9230: DMA as function 1 of its slot.
                    result.Add(Pcie($"{bus:x2}:00.0", PciePortType.Endpoint, multiFunction: true, vendor: 0x1b4b, device: 0x9230));
                    result.Add(Pcie($"{bus:x2}:00.1", PciePortType.Endpoint, multiFunction: true, vendor: 0x1b4b, device: 0x9230));
                    break;
                }
                case 4:
                {
                    byte internalBus = nextBus++;
                    int usp = result.Count;
                    result.Add(default!);
                    int ports = 1 + Next(3);
                    for (int p = 0; p < ports; p++)
                    {
                        byte sec = nextBus++;
                        int at = result.Count;
                        result.Add(default!);
                        Below(sec, depth + 1);
                        result[at] = Pcie($"{internalBus:x2}:{p:x2}.0", PciePortType.DownstreamPort, AcsChoices[Next(AcsChoices.Length)],
                            secondary: sec, subordinate: (byte)(nextBus - 1), slotPower: Next(2) == 0);
                    }
                    result[usp] = Pcie($"{bus:x2}:00.0", PciePortType.UpstreamPort, secondary: internalBus, subordinate: (byte)(nextBus - 1));
                    break;
                }
                default:
                {
                    byte sec = nextBus++;
                    int at = result.Count;
                    result.Add(default!);
                    int n = 1 + Next(3);
                    for (int s = 1; s <= n; s++) result.Add(Conventional($"{sec:x2}:{s:x2}.0"));
                    result[at] = Pcie($"{bus:x2}:00.0", PciePortType.PcieToPciBridge, secondary: sec, subordinate: sec, vendor: 0x1b36, device: 0x000e);
                    break;
                }
            }
        }
    }
}
