namespace Bridgekeeper.Hardware;

/// <summary>The hypervisor's side of the paravirtual recovery channel: it sends requests; domains reply asynchronously.</summary>
public interface IGuestChannel
{
    void Send(GuestRequest request);
}
