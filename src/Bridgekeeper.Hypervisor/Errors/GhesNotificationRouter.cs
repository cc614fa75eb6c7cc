using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Takes each GHES source's notification the way a hypervisor without an AML interpreter can
/// (ACPI 6.5 §18.3.2.9; reachability per the APEI notes and the 2017 xen-devel design thread):
/// <list type="bullet">
/// <item>Polled: a virtual-time timer every poll interval (0 disables the source, as Linux does).</item>
/// <item>External interrupt and GSIV: the vector is a GSI, i.e. an SPI the hypervisor owns.</item>
/// <item>SEA, SEI, SDEI: exceptions that trap to EL2 first.</item>
/// <item>SCI and GPIO: signalled through the GED, whose _EVT method is AML. The hardware domain (the
/// OSPM) runs it and forwards the event (<see cref="ForwardedByHardwareDomain"/>); every SCI/GPIO
/// source is then polled, as Linux's HED notifier polls all its sources.</item>
/// <item>Local interrupt, NMI, CMCI, MCE: x86-only or unsupported; reported as warnings.</item>
/// </list>
/// </summary>
public sealed class GhesNotificationRouter(GhesErrorHandler handler, IInterruptController interrupts, IPlatformFirmware firmware, ITimerQueue timers)
{
    private readonly List<GhesSourceDescriptor> _amlSources = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings => _warnings;

    public long ForwardedEvents { get; private set; }

    public void Register(IEnumerable<GhesSourceDescriptor> sources)
    {
        var byException = new Dictionary<NotificationType, List<GhesSourceDescriptor>>();
        var bySpi = new SortedDictionary<uint, List<GhesSourceDescriptor>>();
        foreach (var s in sources)
        {
            switch (s.Notify)
            {
                case NotificationType.Polled when s.PollIntervalMs == 0:
                    _warnings.Add($"GHES source {s.SourceId}: polled with interval 0; source disabled");
                    break;
                case NotificationType.Polled:
                    SchedulePoll(s);
                    break;
                case NotificationType.ExternalInterrupt or NotificationType.Gsiv:
                    (bySpi.TryGetValue(s.Vector, out var l) ? l : bySpi[s.Vector] = []).Add(s);
                    break;
                case NotificationType.Sea or NotificationType.Sei or NotificationType.Sdei:
                    (byException.TryGetValue(s.Notify, out var e) ? e : byException[s.Notify] = []).Add(s);
                    break;
                case NotificationType.Sci or NotificationType.Gpio:
                    _amlSources.Add(s);
                    break;
                default:
                    _warnings.Add($"GHES source {s.SourceId}: notification type {s.Notify} is not supported on this platform");
                    break;
            }
        }
        // A shared vector or exception polls every source on it (Linux's shared GHES IRQ / SEA list).
        foreach (var (vector, list) in bySpi) interrupts.OnSpi(vector, () => PollAll(list));
        foreach (var (kind, list) in byException) firmware.OnException((byte)kind, () => PollAll(list));
    }

    /// <summary>
    /// The hardware domain ran the GED's AML for a hardware-error notification and forwards it.
    /// Only the hardware domain may; anyone else is refused (false).
    /// </summary>
    public bool ForwardedByHardwareDomain(DomainId caller)
    {
        if (!caller.IsHardwareDomain) return false;
        ForwardedEvents++;
        PollAll(_amlSources);
        return true;
    }

    private void PollAll(List<GhesSourceDescriptor> sources)
    {
        foreach (var s in sources) handler.Poll(s);
    }

    // One callback, interval and timer name per polled source, made once: a poll re-arms the timer
    // every interval for the whole run, so nothing is formatted or allocated per poll.
    private void SchedulePoll(GhesSourceDescriptor s)
    {
        var interval = SimTime.FromMilliseconds(s.PollIntervalMs);
        string name = $"ghes-poll-{s.SourceId}";
        Action? poll = null;
        poll = () => { handler.Poll(s); timers.Schedule(interval, poll!, name); };
        timers.Schedule(interval, poll, name);
    }
}
