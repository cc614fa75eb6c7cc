using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform.Guests;

/// <summary>Delivers each recovery request to the domain it is for (the event channel of each guest).</summary>
public sealed class GuestChannelHub : IGuestChannel
{
    private readonly Dictionary<DomainId, IGuestChannel> _domains = [];
    private readonly List<GuestRequest> _undeliverable = [];

    public IReadOnlyList<GuestRequest> Undeliverable => _undeliverable;

    public void Add(DomainId domain, IGuestChannel guest) => _domains[domain] = guest;

    public void Send(GuestRequest request)
    {
        if (_domains.TryGetValue(request.Domain, out var guest)) guest.Send(request);
        else _undeliverable.Add(request);
    }
}
