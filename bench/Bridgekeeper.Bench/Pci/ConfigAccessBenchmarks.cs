using BenchmarkDotNet.Attributes;
using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Bench.Pci;

/// <summary>Software config reads and attribute-obeying writes on a real root port's 4 KiB space (must allocate nothing).</summary>
[MemoryDiagnoser]
public class ConfigAccessBenchmarks
{
    private ConfigSpace _space = null!;
    private int _aer;

    [GlobalSetup]
    public void Setup()
    {
        _space = ConfigSpace.FromContent(File.ReadAllBytes(ReferenceData.PathOf("linux-groups", "g_sriov", "config", "boot", "0000_00_02.0.bin")));
        _ = _space.Attributes; // compile the masks outside the measurement
        _aer = CapabilityList.FindExtended(_space.Bytes, ExtendedCapabilityId.AdvancedErrorReporting) ?? throw new InvalidOperationException("no AER");
    }

    [Benchmark]
    public uint Read_dword() => _space.Read(ConfigHeader.VendorId, 4) ^ _space.Read(_aer + AerCapability.UncorrectableStatus, 4);

    [Benchmark]
    public uint Read_byte_and_word() => _space.Read(ConfigHeader.SecondaryBus, 1) + _space.Read(ConfigHeader.Command, 2);

    [Benchmark]
    public void Write_command_word() => _space.Write(ConfigHeader.Command, 2, 0x0547);

    [Benchmark]
    public void Write_one_to_clear_aer_status() => _space.Write(_aer + AerCapability.UncorrectableStatus, 4, 0xFFFF_FFFF);

    [Benchmark]
    public void Write_bridge_control_byte() => _space.Write(ConfigHeader.BridgeControl, 1, 0x40);
}
