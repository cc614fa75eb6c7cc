using System.Buffers.Binary;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Firmware.Acpi.Mcfg;
using CsCheck;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>CsCheck generators of valid HEST, MCFG and IORT tables and of mutations of their bytes.</summary>
public static class AcpiGenerators
{
    private static readonly HestSourceType[] HestTypes = Enum.GetValues<HestSourceType>();

    /// <summary>Header text fields with any byte value (Latin-1 keeps each byte).</summary>
    private static Gen<string> Text(int length) => Gen.Byte.Array[length].Select(b => new string(b.Select(x => (char)x).ToArray()));

    public static Gen<AcpiTableHeader> HeaderFor(string signature) =>
        Gen.Select(Gen.Byte, Text(6), Text(8), Gen.UInt, Text(4), Gen.UInt,
            (rev, oem, table, oemRev, creator, creatorRev) => new AcpiTableHeader(signature, rev, oem, table, oemRev, creator, creatorRev));

    /// <summary>
    /// One valid HEST error source as bytes: a type, random contents, and for IA-32 machine check types
    /// a bank count that matches the banks that follow. Every field value is legal to hold.
    /// </summary>
    private static readonly Gen<byte[]> HestSourceBytes =
        Gen.Select(Gen.Int[0, HestTypes.Length - 1], Gen.Int[0, 3], Gen.Byte.Array[48 + 3 * 28 + 44],
            (typeIndex, banks, random) =>
            {
                var type = HestTypes[typeIndex];
                int size = type switch
                {
                    HestSourceType.Ia32MachineCheck => 40 + banks * 28,
                    HestSourceType.Ia32CorrectedMachineCheck or HestSourceType.Ia32DeferredMachineCheck => 48 + banks * 28,
                    HestSourceType.Ia32Nmi => 20,
                    HestSourceType.PcieRootPortAer => 48,
                    HestSourceType.PcieEndpointAer => 44,
                    HestSourceType.PcieBridgeAer => 56,
                    HestSourceType.GenericHardwareErrorSource => 64,
                    _ => 92,
                };
                byte[] s = random[..size];
                BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)type);
                if (type == HestSourceType.Ia32MachineCheck) s[32] = (byte)banks;
                if (type is HestSourceType.Ia32CorrectedMachineCheck or HestSourceType.Ia32DeferredMachineCheck) s[44] = (byte)banks;
                if (type == HestSourceType.Ia32MachineCheck) s[8] |= 1; // never the all-zero start that reads as padding
                return s;
            });

    /// <summary>A whole valid HEST as bytes (count, length and checksum right).</summary>
    public static readonly Gen<byte[]> HestBytes =
        Gen.Select(HeaderFor("HEST"), HestSourceBytes.Array[0, 8], (header, sources) =>
        {
            byte[] table = new byte[40 + sources.Sum(s => s.Length)];
            AcpiTableCodec.WriteHeader(table, header, "HEST");
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(36), (uint)sources.Length);
            int at = 40;
            foreach (var s in sources) { s.CopyTo(table, at); at += s.Length; }
            AcpiTableCodec.Seal(table);
            return table;
        });

    private static readonly Gen<HardwareErrorNotification> Notify =
        Gen.Select(Gen.Byte[0, 11], Gen.UShort, Gen.UInt, Gen.UInt, Gen.UInt,
            (type, cwe, poll, vector, threshold) => new HardwareErrorNotification((NotificationType)type, 28, cwe, poll, vector, threshold, ~threshold, threshold ^ 5, 7));

    private static readonly Gen<GenericAddress> Address =
        Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte, Gen.Byte[0, 4], Gen.ULong,
            (space, width, offset, access, address) => new GenericAddress((AddressSpace)space, width, offset, (AccessSize)access, address));

    /// <summary>GHES and GHESv2 sources built from the model (not from bytes).</summary>
    public static readonly Gen<HestErrorSource> Ghes =
        Gen.Select(Gen.UShort, Gen.UShort, Address, Notify, Gen.UInt, Gen.Bool, Address, Gen.ULong,
            (id, related, status, notify, blockLength, v2, ack, mask) => (HestErrorSource)new HestGhes(
                id, related, 0, (byte)(id & 1), blockLength >> 3, 1, blockLength >> 1, status, notify, blockLength,
                v2 ? new GhesReadAck(ack, mask, ~mask) : null));

    public static readonly Gen<HestTable> GhesTables =
        Gen.Select(HeaderFor("HEST"), Ghes.Array[0, 12], (h, s) => new HestTable(h, [.. s]));

    public static readonly Gen<McfgTable> Mcfg =
        Gen.Select(HeaderFor("MCFG"), Gen.ULong,
            Gen.Select(Gen.ULong, Gen.UShort, Gen.Byte, Gen.Byte, Gen.UInt, (b, seg, s, e, r) => new McfgAllocation(b, seg, Math.Min(s, e), Math.Max(s, e), r)).Array[0, 8],
            (h, reserved, allocations) => new McfgTable(h, reserved, [.. allocations]));

    private static Gen<IortIdMapping> Mapping(int nodes) =>
        Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Int[0, nodes - 1], Gen.UInt[0, 1],
            (input, count, output, target, flags) => new IortIdMapping(input, count, output, target, flags));

    private static Gen<IortNode> IortNodeOf(int nodes) => Gen.OneOf<IortNode>(
        Gen.Select(Gen.Byte, Gen.UInt, Gen.UInt.Array[0, 4], (rev, id, its) => (IortNode)new IortItsGroup(rev, id, [.. its])),
        Gen.Select(Gen.Byte, Gen.UInt, Gen.UInt, Gen.ULong, Mapping(nodes).Array[0, 4],
            (rev, id, segment, bits, maps) => (IortNode)new IortRootComplex(rev, id, (uint)bits, (byte)(bits >> 32), (ushort)(bits >> 40),
                (byte)(bits >> 56), (uint)(bits >> 3), segment, (byte)bits, (uint)(bits >> 8) & 0xFFFFFF, [.. maps])),
        Gen.Select(Gen.Byte, Gen.UInt, Gen.ULong, Gen.ULong, Mapping(nodes).Array[0, 4],
            (rev, id, a, b, maps) => (IortNode)new IortSmmuV3(rev, id, a, (uint)b, (uint)(b >> 32), b, (uint)(a >> 7), (uint)a,
                (uint)(a >> 32), (uint)b ^ 1, (uint)(b >> 16), (uint)(a >> 16), (uint)(b >> 8), [.. maps])),
        Gen.Select(Gen.Byte.Array[0, 24], Gen.Byte, Mapping(nodes).Array[0, 3],
            (data, rev, maps) => (IortNode)new IortOtherNode(IortNodeType.NamedComponent, rev, 9, [.. data], [.. maps])));

    public static readonly Gen<IortTable> Iort =
        Gen.Int[1, 6].SelectMany(n => Gen.Select(HeaderFor("IORT"), Gen.UInt, IortNodeOf(n).Array[n],
            (h, reserved, nodes) => new IortTable(h, reserved, [.. nodes])));

    /// <summary>
    /// Random damage to valid bytes: overwritten bytes, a truncation, and (half the time) the Length and
    /// checksum repaired afterwards so the damage reaches the structure walk instead of the header check.
    /// </summary>
    public static Gen<byte[]> Mutated(Gen<byte[]> valid) =>
        Gen.Select(valid, Gen.Int[0, 8], Gen.Int.Array[16], Gen.Byte.Array[16], Gen.Int[0, 3], Gen.Bool,
            (bytes, edits, positions, values, truncateMode, repair) =>
            {
                byte[] b = (byte[])bytes.Clone();
                for (int i = 0; i < edits && b.Length > 0; i++)
                    b[(int)((uint)positions[i] % (uint)b.Length)] = values[i];
                if (truncateMode == 0 && b.Length > 0) b = b[..(int)((uint)positions[15] % (uint)b.Length)];
                if (repair && b.Length >= AcpiTableHeader.Size)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)b.Length);
                    AcpiTableCodec.Seal(b);
                }
                return b;
            });
}
