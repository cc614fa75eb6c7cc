namespace Bridgekeeper.Pci;

/// <summary>
/// FRS Queueing Extended Capability (ID 0x0021, PCIe Base 6.0 §7.8.10), in Root Ports and RCECs that
/// support Function Readiness Status (§6.22.3): a FIFO of received or generated FRS Messages whose
/// oldest entry the FRS Message Queue register shows; writing that register (any value) removes it.
/// </summary>
public static class FrsQueueingCapability
{
    public const int Capability = 0x04;
    public const int Status = 0x08;
    public const int Control = 0x0A;
    public const int MessageQueue = 0x0C;
    public const int Length = 0x10;

    /// <summary>Capability bits 11:0: how many messages the queue holds.</summary>
    public const uint MaxDepthMask = 0x0FFF;

    /// <summary>Capability bits 20:16: the MSI/MSI-X vector of the FRS interrupt.</summary>
    public const int InterruptMessageNumberShift = 16;

    /// <summary>Status bit 0: a message entered the queue (RW1C).</summary>
    public const ushort MessageReceived = 0x0001;

    /// <summary>Status bit 1: a message arrived while the queue was full and was discarded (RW1C).</summary>
    public const ushort MessageOverflow = 0x0002;

    /// <summary>Control bit 0: interrupt when Message Received or Overflow goes from 0 to 1.</summary>
    public const ushort InterruptEnable = 0x0001;

    /// <summary>FRS Reason of an FRS Message (§2.2.8.6.3): DRS Message Received.</summary>
    public const int ReasonDrsMessageReceived = 0b0001;
    /// <summary>FRS Reason: D3hot→D0 transition completed.</summary>
    public const int ReasonD3HotToD0 = 0b0010;
    /// <summary>FRS Reason: FLR completed.</summary>
    public const int ReasonFlrCompleted = 0b0011;
    /// <summary>FRS Reason: VF Enabled (the PF's VFs are ready).</summary>
    public const int ReasonVfEnabled = 0b0100;
    /// <summary>FRS Reason: VF Disabled.</summary>
    public const int ReasonVfDisabled = 0b0101;

    /// <summary>Message Queue bits 19:16: the FRS Reason.</summary>
    public static int ReasonOf(uint queueRegister) => (int)(queueRegister >> 16) & 0xF;

    /// <summary>Message Queue: bits 15:0 Function ID (Requester ID), 19:16 FRS Reason, 31:20 queue depth.</summary>
    public static uint QueueRegister(ushort requesterId, int reason, int depth) => requesterId | (uint)(reason & 0xF) << 16 | (uint)(depth & 0xFFF) << 20;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("FRS Queueing", "PCIe Base 6.0 §7.8.10",
        new(0x00, 4, "FRS Queueing Extended Capability Header"),
        new(Capability, 4, "FRS Queueing Capability", HwInit: 0x001F_0FFF, RsvdP: 0xFFE0_F000),
        new(Status, 2, "FRS Queueing Status", Rw1c: 0x0003, RsvdZ: 0xFFFC),
        new(Control, 2, "FRS Queueing Control", Rw: 0x0001, RsvdP: 0xFFFE),
        // Read-only: the hardware shows the oldest entry; a write of any value dequeues it (§6.22.3).
        new(MessageQueue, 4, "FRS Message Queue"));
}
