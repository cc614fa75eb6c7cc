using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// The hardware domain's config accesses: passed to physical config space, serialised with the
/// hypervisor's own multi-access sequences by the one config lock, and each write checked by the
/// <see cref="IsolationWriteGuard"/> under that same lock, so the check and the write are atomic with
/// respect to assignment and recovery. A refused write is dropped, counted and reported. An access
/// the spec does not allow (bad size, misaligned, past 4 KiB) reads all ones and is dropped.
/// </summary>
public sealed class HardwareDomainPassThrough(SerialisedConfigAccess config, IsolationWriteGuard guard)
{
    public long RefusedWrites { get; private set; }

    /// <summary>Called with (function, offset, size, value, reason) for each refused write.</summary>
    public Action<Sbdf, int, int, uint, string>? OnRefused { get; set; }

    public uint Read(Sbdf function, int offset, int size)
    {
        if (!IsValid(offset, size)) return size >= 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;
        return config.Read(function, offset, size);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        if (!IsValid(offset, size)) return;
        string? refused = config.WithConfigLock((guard, function, offset, size, value), static (physical, w) =>
        {
            string? why = w.guard.Check(physical, w.function, w.offset, w.size, w.value);
            if (why is null) physical.Write(w.function, w.offset, w.size, w.value);
            return why;
        });
        if (refused is null) return;
        RefusedWrites++;
        OnRefused?.Invoke(function, offset, size, value, refused);
    }

    private static bool IsValid(int offset, int size) =>
        (size == 1 || size == 2 || size == 4) && (offset & (size - 1)) == 0 && (uint)offset <= (uint)(ConfigSpace.ExtendedSize - size);
}
