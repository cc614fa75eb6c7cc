using System.Buffers.Binary;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Recovery;

/// <summary>
/// Option (a) for one ACPI guest: a GHESv2 source in guest memory, laid out and handshaken as QEMU's
/// <c>hw/acpi/ghes.c</c> does. The window holds the error status address cell (which points at the
/// block), the read-ack register and a 1 KiB error status block. The guest's HEST describes the
/// source with read_ack_preserve = ~1 and read_ack_write = 1. A new record is placed only when the
/// guest has acknowledged the last one (read-ack = 1); otherwise it is refused, as QEMU refuses
/// ("OSPM does not acknowledge previous error"), and the guest still learns of the error through the
/// recovery channel. The guest reads and writes this window as its own memory.
/// </summary>
public sealed class VirtualGhesMailbox : ISystemMemory
{
    public const int AddressCellOffset = 0;
    public const int ReadAckOffset = 8;
    public const int BlockOffset = 16;
    public const int BlockLength = 1024;

    private readonly byte[] _window = new byte[BlockOffset + BlockLength];
    private readonly IInterruptController _interrupts;

    public VirtualGhesMailbox(DomainId domain, ulong guestBase, uint virtualIntId, IInterruptController interrupts)
    {
        Domain = domain;
        GuestBase = guestBase;
        VirtualIntId = virtualIntId;
        _interrupts = interrupts;
        BinaryPrimitives.WriteUInt64LittleEndian(_window.AsSpan(AddressCellOffset), guestBase + BlockOffset);
        // QEMU starts read-ack at 1 so the first record is accepted.
        BinaryPrimitives.WriteUInt64LittleEndian(_window.AsSpan(ReadAckOffset), 1);
    }

    public DomainId Domain { get; }

    public ulong GuestBase { get; }

    public uint VirtualIntId { get; }

    /// <summary>The GHES error_status_address the guest's HEST names.</summary>
    public ulong ErrorStatusAddress => GuestBase + AddressCellOffset;

    public ulong ReadAckAddress => GuestBase + ReadAckOffset;

    public long Delivered { get; private set; }

    public long Refused { get; private set; }

    /// <summary>Places a status block and raises the notification; false when the guest has not acknowledged the previous one.</summary>
    public bool Deliver(ReadOnlySpan<byte> statusBlock)
    {
        if (statusBlock.Length > BlockLength) throw new ArgumentException($"status block of {statusBlock.Length} bytes exceeds {BlockLength}", nameof(statusBlock));
        var ack = _window.AsSpan(ReadAckOffset, 8);
        if (BinaryPrimitives.ReadUInt64LittleEndian(ack) == 0) { Refused++; return false; }
        BinaryPrimitives.WriteUInt64LittleEndian(ack, 0);
        var block = _window.AsSpan(BlockOffset, BlockLength);
        block.Clear();
        statusBlock.CopyTo(block);
        Delivered++;
        _interrupts.InjectVirtual(Domain, 0, VirtualIntId);
        return true;
    }

    public void Read(ulong address, Span<byte> destination) => Slice(address, destination.Length).CopyTo(destination);

    public void Write(ulong address, ReadOnlySpan<byte> source) => source.CopyTo(Slice(address, source.Length));

    private Span<byte> Slice(ulong address, int length)
    {
        if (address < GuestBase || address - GuestBase + (ulong)length > (ulong)_window.Length)
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x}+{length} is outside the GHES window at 0x{GuestBase:x}");
        return _window.AsSpan((int)(address - GuestBase), length);
    }
}
