using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The hypervisor's one path to physical config space. Every single access takes one lock, and a
/// multi-access sequence (BAR sizing, SBR assert/hold/deassert, save/restore) holds it for the whole
/// sequence through <see cref="WithConfigLock{T}"/>, so the hardware domain's pass-through accesses can
/// never interleave with it (Xen serialises these with <c>d-&gt;pci_lock</c> only when dom0 goes through
/// vPCI; xen-passthrough.md §18.5). The lock is re-entrant, so a sequence may call helpers that lock.
/// </summary>
public sealed class SerialisedConfigAccess(IConfigAccess physical) : IConfigAccess
{
    private readonly Lock _lock = new();

    /// <summary>Sequences run so far (for tests and the report).</summary>
    public long Sequences { get; private set; }

    public bool IsHeldByCurrentThread => _lock.IsHeldByCurrentThread;

    public uint Read(Sbdf function, int offset, int size)
    {
        lock (_lock) return physical.Read(function, offset, size);
    }

    /// <summary>A block read is one access sequence of dword reads: one lock for all of them.</summary>
    public void ReadBlock(Sbdf function, int offset, Span<byte> destination)
    {
        lock (_lock) physical.ReadBlock(function, offset, destination);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        lock (_lock) physical.Write(function, offset, size, value);
    }

    /// <summary>Runs a multi-access sequence with the config lock held throughout.</summary>
    public T WithConfigLock<T>(Func<IConfigAccess, T> sequence)
    {
        lock (_lock)
        {
            Sequences++;
            return sequence(physical);
        }
    }

    /// <summary>Runs a multi-access sequence with the config lock held throughout.</summary>
    public void WithConfigLock(Action<IConfigAccess> sequence)
    {
        lock (_lock)
        {
            Sequences++;
            sequence(physical);
        }
    }
}
