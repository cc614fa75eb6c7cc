using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform.Guests;

/// <summary>
/// An ACPI guest's view of its virtual GHESv2 source (option (a)): its own memory, where its HEST
/// says the error status address and read-ack register are, and the interrupt that signals it.
/// </summary>
public sealed record GuestGhesView(ISystemMemory Memory, ulong ErrorStatusAddress, ulong ReadAckAddress, uint VirtualIntId);
