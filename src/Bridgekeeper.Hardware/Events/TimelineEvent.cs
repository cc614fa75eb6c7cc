using Bridgekeeper.Pci;

namespace Bridgekeeper.Hardware;

/// <summary>
/// One thing that happened, in virtual time. Everything — the terminal timeline, <c>--json</c>, the
/// SQLite RAS log and the HTML report — is a view of one ordered stream of these; nothing computes
/// the story twice. <see cref="Details"/> holds kind-specific fields in a fixed order.
/// </summary>
public sealed record TimelineEvent(
    SimTime Time,
    string Kind,
    Sbdf? Device,
    DomainId? Domain,
    string Text,
    IReadOnlyList<KeyValuePair<string, object?>> Details)
{
    public static TimelineEvent Of(SimTime time, string kind, Sbdf? device, DomainId? domain, string text, params KeyValuePair<string, object?>[] details) =>
        new(time, kind, device, domain, text, details);
}
