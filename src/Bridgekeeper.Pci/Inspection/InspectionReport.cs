namespace Bridgekeeper.Pci;

/// <summary>The whole <c>inspect --json</c> object: <c>{"functions":[…]}</c>, plus the source's warnings.</summary>
public sealed record InspectionReport(IReadOnlyList<FunctionReport> Functions)
{
    public string? Source { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];
}
