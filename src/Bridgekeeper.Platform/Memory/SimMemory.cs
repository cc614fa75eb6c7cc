using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// Sparse physical memory in 4 KiB pages, zero until written: where firmware puts the GHES error
/// status blocks, their address registers and the GHESv2 read-ack registers.
/// </summary>
public sealed class SimMemory : ISystemMemory
{
    private const int PageSize = 4096;
    private readonly Dictionary<ulong, byte[]> _pages = [];

    public void Read(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            int within = (int)(at % PageSize);
            int n = Math.Min(PageSize - within, destination.Length - done);
            if (_pages.TryGetValue(at / PageSize, out var page)) page.AsSpan(within, n).CopyTo(destination.Slice(done));
            else destination.Slice(done, n).Clear();
            done += n;
        }
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        int done = 0;
        while (done < source.Length)
        {
            ulong at = address + (ulong)done;
            int within = (int)(at % PageSize);
            int n = Math.Min(PageSize - within, source.Length - done);
            if (!_pages.TryGetValue(at / PageSize, out var page)) _pages[at / PageSize] = page = new byte[PageSize];
            source.Slice(done, n).CopyTo(page.AsSpan(within));
            done += n;
        }
    }

    public ulong ReadUInt64(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        Read(address, b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public void WriteUInt64(ulong address, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(address, b);
    }

    public uint ReadUInt32(ulong address)
    {
        Span<byte> b = stackalloc byte[4];
        Read(address, b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
    }
}
