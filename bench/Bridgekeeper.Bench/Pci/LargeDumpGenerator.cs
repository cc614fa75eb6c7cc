using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Bench.Pci;

/// <summary>
/// Builds a large, consistent host from real QEMU config spaces (g_sriov boot phase: a pcie-root-port
/// with AER and ACS, an NVMe endpoint with AER and SR-IOV): per PCI segment a host bridge, up to 222
/// root ports on bus 0, each with an 8-function endpoint on its own secondary bus, until the count is
/// reached. The same generator feeds the parse benchmark and the whole-process comparison with lspci.
/// </summary>
public static class LargeDumpGenerator
{
    private const int RootPortsPerSegment = 222;

    public static IReadOnlyList<ImportedFunction> Functions(int count)
    {
        string dir = ReferenceData.PathOf("linux-groups", "g_sriov", "config", "boot");
        byte[] hostBridge = File.ReadAllBytes(Path.Combine(dir, "0000_00_00.0.bin"));
        byte[] rootPort = File.ReadAllBytes(Path.Combine(dir, "0000_00_02.0.bin"));
        byte[] endpoint = File.ReadAllBytes(Path.Combine(dir, "0000_01_00.0.bin"));
        var functions = new List<ImportedFunction>(count);
        for (uint segment = 0; functions.Count < count; segment++)
        {
            functions.Add(new ImportedFunction(new Sbdf(segment, 0, 0, 0), ConfigSpace.FromContent(hostBridge)));
            for (int port = 0; port < RootPortsPerSegment && functions.Count < count; port++)
            {
                byte secondary = (byte)(port + 1);
                byte[] rp = (byte[])rootPort.Clone();
                rp[ConfigHeader.PrimaryBus] = 0;
                rp[ConfigHeader.SecondaryBus] = secondary;
                rp[ConfigHeader.SubordinateBus] = secondary;
                int devfn = 8 + port;
                functions.Add(new ImportedFunction(new Sbdf(segment, 0, (byte)devfn), ConfigSpace.FromContent(rp)));
                for (int fn = 0; fn < 8 && functions.Count < count; fn++)
                {
                    byte[] ep = (byte[])endpoint.Clone();
                    ep[ConfigHeader.HeaderType] |= ConfigHeader.MultiFunctionBit;
                    functions.Add(new ImportedFunction(new Sbdf(segment, secondary, 0, fn), ConfigSpace.FromContent(ep)));
                }
            }
        }
        return functions;
    }

    public static string DumpText(int count) => LspciDumpWriter.Write(Functions(count));
}
