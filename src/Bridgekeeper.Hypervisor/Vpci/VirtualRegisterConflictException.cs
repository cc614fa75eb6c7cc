namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A registration the vPCI table refuses: a bad size, alignment or mask (Xen's -EINVAL), a range
/// that overlaps a register already there (-EEXIST), or a removal that cuts a register (-ERANGE).
/// These are programming errors in a capability file, never guest input.
/// </summary>
public sealed class VirtualRegisterConflictException(string message) : InvalidOperationException(message);
