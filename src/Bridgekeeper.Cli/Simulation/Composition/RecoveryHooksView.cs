using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor;
using Bridgekeeper.Hypervisor.Recovery;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Composition;

/// <summary>Forwards what the vPCI facade traps (guest SBR writes, replies, quiesced calls) to the recovery coordinator.</summary>
public sealed class RecoveryHooksView(RecoveryCoordinator coordinator) : IRecoveryHooks
{
    public void OnGuestRequestedSecondaryBusReset(DomainId domain, Sbdf virtualDevice) =>
        coordinator.OnGuestRequestedSecondaryBusReset(domain, virtualDevice);

    public void OnGuestReply(DomainId domain, long requestId, RecoveryVote vote) => coordinator.Reply(domain, requestId, vote);

    public void OnGuestQuiesced(DomainId domain, Sbdf virtualDevice) => coordinator.Quiesced(domain, virtualDevice);
}
