using System.Buffers.Binary;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// What domains can do to the hypervisor: trapped config accesses (a guest's to its virtual host
/// bridge, the hardware domain's to the physical ECAM, serialised), replies on the recovery channel,
/// and the explicit "quiesced" call. The hypervisor implements this; simulated domains call it.
/// </summary>
public interface IHypervisorEntry
{
    uint ConfigRead(DomainId domain, Sbdf device, int offset, int size);

    void ConfigWrite(DomainId domain, Sbdf device, int offset, int size, uint value);

    /// <summary>
    /// <paramref name="destination"/>.Length bytes from <paramref name="offset"/> exactly as the domain's
    /// consecutive 4-byte <see cref="ConfigRead"/>s return them (the <see cref="IConfigAccess.ReadBlock"/>
    /// rule: whole dwords within 4 KiB). An entry that can serve the block in one trap overrides this.
    /// </summary>
    void ConfigReadBlock(DomainId domain, Sbdf device, int offset, Span<byte> destination) => ReadDwords(this, domain, device, offset, destination);

    /// <summary>A block as the domain's 4-byte reads, one by one.</summary>
    static void ReadDwords(IHypervisorEntry entry, DomainId domain, Sbdf device, int offset, Span<byte> destination)
    {
        IConfigAccess.CheckBlock(offset, destination.Length);
        for (int o = 0; o < destination.Length; o += 4)
            BinaryPrimitives.WriteUInt32LittleEndian(destination[o..], entry.ConfigRead(domain, device, offset + o, 4));
    }

    void Reply(DomainId domain, long requestId, RecoveryVote vote);

    /// <summary>The domain's drivers for <paramref name="virtualDevice"/> have stopped all I/O.</summary>
    void Quiesced(DomainId domain, Sbdf virtualDevice);
}
