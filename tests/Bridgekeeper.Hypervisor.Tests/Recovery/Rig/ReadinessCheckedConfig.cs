using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Hypervisor.Tests.Recovery.Rig;

/// <summary>
/// The simulator's ECAM as recovery sees it, recording every config request that reaches a function
/// in reset or not yet Configuration-Ready (PCIe Base 6.0 §6.6.1), except the Vendor ID read that is
/// the readiness poll itself.
/// </summary>
public sealed class ReadinessCheckedConfig(SimulatedMachine machine) : IConfigAccess
{
    public List<string> Violations { get; } = [];

    public uint Read(Sbdf function, int offset, int size)
    {
        Check(function, offset, size, write: false);
        return machine.Config.Read(function, offset, size);
    }

    public void Write(Sbdf function, int offset, int size, uint value)
    {
        Check(function, offset, size, write: true);
        machine.Config.Write(function, offset, size, value);
    }

    private void Check(Sbdf function, int offset, int size, bool write)
    {
        if (machine.Find(function) is not { } f) return;
        bool ready = !f.InReset && machine.EventLoop.Now >= f.ReadyAt;
        if (ready || (!write && offset == ConfigHeader.VendorId && size >= 2)) return;
        Violations.Add($"{machine.EventLoop.Now}: {(write ? "write" : "read")} of {size} bytes at 0x{offset:x3} of {function} before it was ready");
    }
}
