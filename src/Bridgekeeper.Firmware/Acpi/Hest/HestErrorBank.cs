using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>IA-32 Architecture Machine Check Error Bank Structure (ACPI 6.5 §18.3.2.1.1, Table 18.5), 28 bytes.</summary>
public readonly record struct HestErrorBank(
    byte BankNumber,
    byte ClearStatusOnInitialization,
    byte StatusDataFormat,
    byte Reserved,
    uint ControlRegisterMsrAddress,
    ulong ControlInitData,
    uint StatusRegisterMsrAddress,
    uint AddressRegisterMsrAddress,
    uint MiscRegisterMsrAddress)
{
    // ACPI 6.5 Table 18.5
    private const int BankNumberOffset = 0;
    private const int ClearStatusOffset = 1;
    private const int StatusFormatOffset = 2;
    private const int ReservedOffset = 3;
    private const int ControlRegisterOffset = 4;
    private const int ControlDataOffset = 8;
    private const int StatusRegisterOffset = 16;
    private const int AddressRegisterOffset = 20;
    private const int MiscRegisterOffset = 24;
    public const int Size = 28;

    public static HestErrorBank Read(ReadOnlySpan<byte> b) => new(
        b[BankNumberOffset], b[ClearStatusOffset], b[StatusFormatOffset], b[ReservedOffset],
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(ControlRegisterOffset)),
        BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(ControlDataOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(StatusRegisterOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(AddressRegisterOffset)),
        BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(MiscRegisterOffset)));

    public void Write(Span<byte> d)
    {
        d[BankNumberOffset] = BankNumber;
        d[ClearStatusOffset] = ClearStatusOnInitialization;
        d[StatusFormatOffset] = StatusDataFormat;
        d[ReservedOffset] = Reserved;
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(ControlRegisterOffset), ControlRegisterMsrAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(d.Slice(ControlDataOffset), ControlInitData);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(StatusRegisterOffset), StatusRegisterMsrAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(AddressRegisterOffset), AddressRegisterMsrAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(d.Slice(MiscRegisterOffset), MiscRegisterMsrAddress);
    }
}
