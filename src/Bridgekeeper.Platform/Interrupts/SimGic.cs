using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// A GICv3-like interrupt controller (Arm IHI 0069): level-sensitive SPIs whose rising edge calls the
/// hypervisor's handler (INTx, wired root-port AER interrupts, firmware notifications), an ITS that
/// translates (DeviceID, EventID) to a domain's virtual LPI, and per-vCPU list registers for virtual
/// injection (four per vCPU, as GICv3 implementations commonly have; more pending interrupts wait in
/// an overflow queue, as a hypervisor keeps them until a list register frees). Deliveries go through
/// the event loop at the current instant, so a handler never runs inside the write that caused it.
/// </summary>
public sealed class SimGic : IInterruptController
{
    public const int ListRegistersPerVcpu = 4;

    private readonly EventLoop _loop;
    private readonly Dictionary<uint, Action> _spiHandlers = [];
    private readonly HashSet<uint> _spiLevels = [];
    private readonly Dictionary<(uint DeviceId, uint EventId), (DomainId Domain, uint VirtualIntId)> _its = [];
    private readonly Dictionary<(DomainId, int), VcpuInterface> _vcpus = [];
    private readonly Dictionary<DomainId, Action<int, uint>> _virtualObservers = [];

    public SimGic(EventLoop loop) => _loop = loop;

    /// <summary>Every SPI edge (time, INTID), oldest first.</summary>
    public List<(SimTime Time, uint IntId)> SpiLog { get; } = [];

    /// <summary>Every LPI the ITS received (time, DeviceID, EventID, whether it was mapped).</summary>
    public List<(SimTime Time, uint DeviceId, uint EventId, bool Mapped)> LpiLog { get; } = [];

    public void OnSpi(uint intId, Action handler)
    {
        if (intId is < 32 or > 1019) throw new ArgumentOutOfRangeException(nameof(intId), intId, "SPIs are INTID 32..1019");
        _spiHandlers[intId] = handler;
    }

    public bool IsSpiAsserted(uint intId) => _spiLevels.Contains(intId);

    /// <summary>Drives a level-sensitive SPI; a rising edge is delivered to the handler.</summary>
    public void SetSpiLevel(uint intId, bool asserted)
    {
        if (!asserted) { _spiLevels.Remove(intId); return; }
        if (!_spiLevels.Add(intId)) return;
        Deliver(intId);
    }

    /// <summary>An edge-triggered SPI (a firmware notification): delivered every time.</summary>
    public void PulseSpi(uint intId) => Deliver(intId);

    public void MapLpi(uint deviceId, uint eventId, DomainId domain, uint virtualIntId) => _its[(deviceId, eventId)] = (domain, virtualIntId);

    public void UnmapDevice(uint deviceId)
    {
        var gone = new List<(uint, uint)>();
        foreach (var key in _its.Keys) if (key.DeviceId == deviceId) gone.Add(key);
        foreach (var key in gone) _its.Remove(key);
    }

    /// <summary>An MSI write to GITS_TRANSLATER: translated through the ITS tables, or dropped when unmapped.</summary>
    public void SignalLpi(uint deviceId, uint eventId)
    {
        bool mapped = _its.TryGetValue((deviceId, eventId), out var target);
        LpiLog.Add((_loop.Now, deviceId, eventId, mapped));
        if (mapped) InjectVirtual(target.Domain, 0, target.VirtualIntId);
    }

    public void InjectVirtual(DomainId domain, int vcpu, uint virtualIntId)
    {
        var cpu = Vcpu(domain, vcpu);
        cpu.Inject(virtualIntId, _loop.Now);
        if (_virtualObservers.TryGetValue(domain, out var observer))
            _loop.Schedule(SimTime.Zero, () => observer(vcpu, virtualIntId), "virtual-interrupt");
    }

    /// <summary>Calls <paramref name="observer"/> (vCPU, virtual INTID) after each injection into <paramref name="domain"/> (a simulated guest's interrupt entry).</summary>
    public void OnVirtualInterrupt(DomainId domain, Action<int, uint> observer) => _virtualObservers[domain] = observer;

    /// <summary>The list registers of one vCPU, for inspection.</summary>
    public IReadOnlyList<ListRegister> ListRegisters(DomainId domain, int vcpu) => Vcpu(domain, vcpu).Registers;

    /// <summary>Virtual interrupts waiting for a free list register.</summary>
    public IReadOnlyCollection<uint> Overflow(DomainId domain, int vcpu) => Vcpu(domain, vcpu).Waiting;

    /// <summary>The guest acknowledged and completed a virtual interrupt (EOI): its list register frees and a waiting one moves in.</summary>
    public bool Complete(DomainId domain, int vcpu, uint virtualIntId) => Vcpu(domain, vcpu).Complete(virtualIntId, _loop.Now);

    private void Deliver(uint intId)
    {
        SpiLog.Add((_loop.Now, intId));
        if (_spiHandlers.TryGetValue(intId, out var handler))
            _loop.Schedule(SimTime.Zero, handler, "spi");
    }

    private VcpuInterface Vcpu(DomainId domain, int vcpu)
    {
        if (!_vcpus.TryGetValue((domain, vcpu), out var cpu)) _vcpus[(domain, vcpu)] = cpu = new VcpuInterface();
        return cpu;
    }

    private sealed class VcpuInterface
    {
        private readonly ListRegister[] _registers = new ListRegister[ListRegistersPerVcpu];
        private readonly Queue<uint> _waiting = new();

        public IReadOnlyList<ListRegister> Registers => _registers;

        public IReadOnlyCollection<uint> Waiting => _waiting;

        public void Inject(uint virtualIntId, SimTime now)
        {
            for (int i = 0; i < _registers.Length; i++)
            {
                // A virtual INTID already pending stays one pending interrupt (GIC: pending is a state, not a count).
                if (_registers[i].State != ListRegisterState.Invalid && _registers[i].VirtualIntId == virtualIntId) return;
            }
            for (int i = 0; i < _registers.Length; i++)
            {
                if (_registers[i].State != ListRegisterState.Invalid) continue;
                _registers[i] = new ListRegister(virtualIntId, ListRegisterState.Pending, now);
                return;
            }
            _waiting.Enqueue(virtualIntId);
        }

        public bool Complete(uint virtualIntId, SimTime now)
        {
            for (int i = 0; i < _registers.Length; i++)
            {
                if (_registers[i].State == ListRegisterState.Invalid || _registers[i].VirtualIntId != virtualIntId) continue;
                _registers[i] = default;
                if (_waiting.Count > 0) _registers[i] = new ListRegister(_waiting.Dequeue(), ListRegisterState.Pending, now);
                return true;
            }
            return false;
        }
    }
}
