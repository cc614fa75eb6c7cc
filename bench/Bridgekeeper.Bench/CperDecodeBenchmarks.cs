using BenchmarkDotNet.Attributes;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;

namespace Bridgekeeper.Bench;

/// <summary>
/// Decoding 10,000 CPER records, each holding one PCIe error section (issue 3: goal at most 5 µs per
/// record and no allocation per field). Results are per record (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CperDecodeBenchmarks
{
    private const int RecordCount = 10_000;
    private byte[][] _records = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261126);
        _records = new byte[RecordCount][];
        for (int i = 0; i < RecordCount; i++)
        {
            var cap = new byte[PcieCapabilityBlock.Size];
            var aer = new byte[AerRegisterBlock.Size];
            random.NextBytes(cap);
            random.NextBytes(aer);
            cap[2] = 0x42; // capability version 2, root port
            var section = new PcieErrorSection
            {
                ValidationBits = 0xFF, PortType = 4, Version = 0x0300, Command = 0x0547, Status = 0x0010,
                VendorId = 0x8086, DeviceId = (ushort)random.Next(), ClassCodeBytes = 0x060400,
                Device = (byte)(i & 31), Function = (byte)(i % 8), Segment = 0, PrimaryOrDeviceBus = (byte)i,
                SerialNumber = (ulong)random.NextInt64(), Capability = PcieCapabilityBlock.From(cap), Aer = AerRegisterBlock.From(aer),
            };
            var header = new CperRecordHeader
            {
                Revision = 0x0101, Severity = CperSeverity.Recoverable, ValidationBits = 2,
                Timestamp = new CperTimestamp(0x2026_0111_0012_3456), NotificationType = CperNotificationTypes.Pcie, RecordId = (ulong)i,
            };
            var descriptor = new CperSectionDescriptor
            {
                Revision = 0x0300, Flags = CperSectionDescriptor.Primary, SectionType = PcieErrorSection.TypeGuid,
                Severity = CperSeverity.Recoverable,
            };
            _records[i] = CperRecord.Create(header, [(descriptor, section.ToBytes())]).Write();
        }
    }

    /// <summary>Record, descriptors and the typed PCIe section including the AER registers by raw offset.</summary>
    [Benchmark(OperationsPerInvoke = RecordCount)]
    public ulong DecodePcieRecords()
    {
        ulong sum = 0;
        foreach (var bytes in _records)
        {
            var record = CperRecord.Read(bytes, "bench");
            foreach (var section in record.Sections)
            {
                if (section.SectionType != PcieErrorSection.TypeGuid) continue;
                var pcie = PcieErrorSection.Read(section.Body.Span, "bench");
                sum += pcie.Aer.UncorrectableStatus + pcie.Aer.RootErrorStatus + pcie.DeviceId + pcie.PrimaryOrDeviceBus;
            }
        }
        return sum;
    }

    /// <summary>Only the typed PCIe section (what GHES ingestion does per data entry).</summary>
    [Benchmark(OperationsPerInvoke = RecordCount)]
    public ulong DecodePcieSectionsOnly()
    {
        ulong sum = 0;
        int at = CperRecordHeader.Size + CperSectionDescriptor.Size;
        foreach (var bytes in _records)
        {
            var pcie = PcieErrorSection.Read(bytes.AsSpan(at), "bench");
            sum += pcie.Aer.UncorrectableStatus + pcie.DeviceId;
        }
        return sum;
    }

    /// <summary>Full libcper CPER-JSON tree (the comparison point for libcper's 65-100 µs).</summary>
    [Benchmark(OperationsPerInvoke = RecordCount)]
    public int DecodePcieRecordsToLibcperJson()
    {
        int count = 0;
        var warnings = new List<string>();
        foreach (var bytes in _records)
            count += CperJsonWriter.ToJson(CperRecord.Read(bytes, "bench"), warnings).Count;
        return count;
    }
}
