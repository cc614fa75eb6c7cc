using BenchmarkDotNet.Attributes;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Acpi.Iort;

namespace Bridgekeeper.Bench;

/// <summary>
/// HEST decoding (the 14-source crafted table with every type, and a real two-GHES table) and IORT
/// Requester ID translation. Decoding allocates per error source (one record each) and per table,
/// never per field; translation allocates nothing.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AcpiTableBenchmarks
{
    private byte[] _mixed = [];
    private byte[] _real = [];
    private IortTable _iort = null!;

    [GlobalSetup]
    public void Setup()
    {
        string hest = Path.Combine(FindReference(), "hest");
        _mixed = File.ReadAllBytes(Path.Combine(hest, "crafted", "hest-mixed-all-types.bin"));
        _real = File.ReadAllBytes(Path.Combine(hest, "real", "Dell-Latitude_5511-A37FB9368F2A", "HEST.bin"));
        var header = new AcpiTableHeader("IORT", 0, "BENCH", "BENCH", 1, "BNCH", 1);
        _iort = new IortTable(header, 0,
        [
            new IortItsGroup(0, 0, [0u]),
            new IortSmmuV3(1, 1, 0x2B40_0000, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0,
                [new IortIdMapping(0, 0, 0x7FFF, 0, IortIdMapping.SingleMappingFlag), new IortIdMapping(0, 0xFFFF, 0x10000, 0)]),
            new IortRootComplex(1, 2, 1, 0, 0, 3, 0, 0, 48, 0, [new IortIdMapping(0, 0xFFFF, 0, 1)]),
        ]);
    }

    [Benchmark]
    public int DecodeHestEveryType() => HestReader.Read(_mixed, "bench").Table.ErrorSources.Length;

    [Benchmark]
    public int DecodeHestRealTwoGhes() => HestReader.Read(_real, "bench").Table.ErrorSources.Length;

    [Benchmark]
    public int WriteHestEveryType() => HestWriter.Write(HestReader.Read(_mixed, "bench").Table).Length;

    [Benchmark]
    public uint TranslateRequesterIdThroughSmmuToIts() => _iort.TranslateRequesterId(0, 0x0100).DeviceId ?? 0;

    private static string FindReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/reference not found above " + AppContext.BaseDirectory);
    }
}
