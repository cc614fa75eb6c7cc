using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor;
using Bridgekeeper.Hypervisor.Assignment;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Bench;

/// <summary>
/// A guest's trapped dword config access through the whole dispatch: IHypervisorEntry -> guest by id
/// -> virtual host bridge (bus, DevFn) -> vPCI table (byte index) -> handler -> masks. Goal: at most
/// 25 ns and 0 bytes per access (issue 5).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcess))]
public class GuestConfigDispatchBenchmark
{
    /// <summary>The short job, run in process: a separate boilerplate build times out on the shared 2-core machine.</summary>
    private sealed class ShortInProcess : ManualConfig
    {
        public ShortInProcess() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private static readonly DomainId Guest = new(1);
    private static readonly Sbdf Physical = Sbdf.Parse("01:00.0");
    private static readonly Sbdf Virtual = Sbdf.Parse("01:00.0"); // behind the virtual root port at 00:00.0
    private Bridgekeeper.Hypervisor.Hypervisor _hypervisor = null!;
    private uint _value;

    [GlobalSetup]
    public void Setup()
    {
        var fabric = new StubFabric();
        fabric.Functions[Physical] = Endpoint();
        var topology = new OneGroupTopology(Physical);
        _hypervisor = new Bridgekeeper.Hypervisor.Hypervisor(new HypervisorPorts(fabric, new NoIommu(), new NoInterrupts(), new NoEvents(), new ZeroClock()), topology);
        _hypervisor.CreateGuest(Guest, new GuestOptions(ErrorNotification.VirtualRootPort));
        var result = _hypervisor.Assign(Guest, [Physical]);
        if (!result.Accepted) throw new InvalidOperationException(result.ToString());
    }

    [Benchmark(Description = "guest dword read, shadow BAR")]
    public uint ReadBar() => _hypervisor.ConfigRead(Guest, Virtual, 0x10, 4);

    [Benchmark(Description = "guest dword read, IDs (two registers merged)")]
    public uint ReadIds() => _hypervisor.ConfigRead(Guest, Virtual, 0x00, 4);

    [Benchmark(Description = "guest dword read, shadow AER status")]
    public uint ReadAerStatus() => _hypervisor.ConfigRead(Guest, Virtual, 0x104, 4);

    [Benchmark(Description = "guest dword read, physical Link Status (locked)")]
    public uint ReadLinkControlStatus() => _hypervisor.ConfigRead(Guest, Virtual, 0x50, 4);

    [Benchmark(Description = "guest dword write, BAR sizing")]
    public void WriteBar() => _hypervisor.ConfigWrite(Guest, Virtual, 0x18, 4, 0xFFFF_FFFF);

    [Benchmark(Description = "guest dword write, shadow AER mask")]
    public void WriteAerMask() => _hypervisor.ConfigWrite(Guest, Virtual, 0x108, 4, _value++ & 0xFFFF_F030);

    internal static ConfigSpace Endpoint()
    {
        var b = new byte[ConfigSpace.ExtendedSize];
        void U16(int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
        void U32(int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
        U16(0x00, 0x8086); U16(0x02, 0x1572); U16(0x06, 0x0010); U32(0x08, 0x0200_0001);
        U32(0x10, 0x8000_000C); U32(0x14, 0x40); U32(0x18, 0xE000_1100);
        b[0x34] = 0x40;
        b[0x40] = 0x10; U16(0x42, 0x0002); U16(0x48, 0x000F);           // PCIe v2 endpoint
        U32(0x100, 0x0001_0001);                                        // AER
        var attributes = ConfigLayoutCompiler.Compile(b);
        attributes.DeclareBar(0x10, 1 << 20, io: false, is64Bit: true);
        attributes.DeclareBar(0x18, 256, io: false, is64Bit: false);
        return ConfigSpace.Create(b, attributes.Freeze());
    }
}
