using System.Collections.Immutable;

namespace Bridgekeeper.Pci;

/// <summary>
/// The declared layout of one config-space structure (a header or a capability): its registers in
/// offset order, with the spec section that defines it. Layouts are data; <see cref="ConfigAttributes"/>
/// compiles them into per-byte masks.
/// </summary>
public sealed record RegisterLayout(string Name, string SpecSection, ImmutableArray<RegisterDef> Registers)
{
    public static RegisterLayout Of(string name, string specSection, params RegisterDef[] registers)
    {
        var layout = new RegisterLayout(name, specSection, [.. registers]);
        layout.Validate();
        return layout;
    }

    /// <summary>Bytes from the structure's start to the end of its last register.</summary>
    public int Length => Registers.IsEmpty ? 0 : Registers[^1].Offset + Registers[^1].Width;

    public RegisterDef? Find(string name)
    {
        foreach (var r in Registers)
            if (r.Name == name) return r;
        return null;
    }

    public RegisterDef this[string name] => Find(name) ?? throw new KeyNotFoundException($"{Name} has no register {name}");

    private void Validate()
    {
        int end = 0;
        foreach (var r in Registers)
        {
            if (r.Problem() is { } why) throw new InvalidOperationException($"{Name} ({SpecSection}): {why}");
            if (r.Offset < end) throw new InvalidOperationException($"{Name}: {r.Name} at 0x{r.Offset:X} overlaps the register before it");
            end = r.Offset + r.Width;
        }
    }
}
