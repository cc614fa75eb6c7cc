using System.Collections.Immutable;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Assignment;

/// <summary>
/// The answer to an assign, deassign or test-assign: accepted, or refused with an errno-like code (as
/// Xen's domctls answer) and the reason in words, naming the functions concerned.
/// </summary>
public sealed record AssignmentResult(bool Accepted, string Code, string Reason, ImmutableArray<Sbdf> Functions)
{
    public static AssignmentResult Ok(ImmutableArray<Sbdf> functions) => new(true, "OK", "", functions);

    public static AssignmentResult Refused(string code, string reason) => new(false, code, reason, []);

    public override string ToString() => Accepted ? $"accepted: {string.Join(", ", Functions)}" : $"refused ({Code}): {Reason}";
}
