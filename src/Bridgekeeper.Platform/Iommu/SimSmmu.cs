using System.Runtime.InteropServices;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// An SMMUv3-like IOMMU (Arm IHI 0070): one stream table entry per StreamID. A transaction from a
/// StreamID without an entry faults as C_BAD_STE, one whose entry aborts faults as well; both are
/// recorded with their virtual time in the event queue, in order. Translation itself is identity
/// within the owning domain; what matters here is who may do DMA when.
/// </summary>
public sealed class SimSmmu : IIommu
{
    private readonly IClock _clock;
    private readonly Dictionary<uint, IommuContext> _streams = [];
    private readonly List<IommuFault> _faults = [];
    private readonly Dictionary<uint, long> _translated = [];

    public SimSmmu(IClock clock) => _clock = clock;

    /// <summary>Every fault since the machine started (never drained), oldest first.</summary>
    public List<IommuFault> FaultHistory { get; } = [];

    public void Attach(uint streamId, DomainId domain) => _streams[streamId] = IommuContext.For(domain);

    public void Block(uint streamId) => _streams[streamId] = IommuContext.Blocked;

    public void Detach(uint streamId) => _streams.Remove(streamId);

    public IommuContext ContextOf(uint streamId) => _streams.TryGetValue(streamId, out var c) ? c : IommuContext.None;

    public IReadOnlyList<IommuFault> DrainFaults()
    {
        var drained = _faults.ToArray();
        _faults.Clear();
        return drained;
    }

    /// <summary>Successful translations per StreamID.</summary>
    public long TranslatedCount(uint streamId) => _translated.TryGetValue(streamId, out long n) ? n : 0;

    /// <summary>One DMA transaction; true when it was translated, false when it faulted (and was recorded).</summary>
    public bool Translate(uint streamId, ulong address, bool write)
    {
        var context = ContextOf(streamId);
        if (context.AllowsDma)
        {
            // One hash lookup per translated transaction (DMA generators call this every tick).
            CollectionsMarshal.GetValueRefOrAddDefault(_translated, streamId, out _)++;
            return true;
        }
        var fault = new IommuFault(_clock.Now, streamId, address, write, context.Kind);
        _faults.Add(fault);
        FaultHistory.Add(fault);
        return false;
    }
}
