using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Vpci;

/// <summary>
/// A function a guest sees on its virtual host bridge: a vPCI register table plus a shadow config
/// space that holds the emulated values. The shadow is an ordinary <see cref="ConfigSpace"/> written
/// only with device-side stores; its semantics (which bits the guest may change) live in the
/// register table's masks, never in the shadow's attributes.
/// </summary>
public abstract class VirtualFunction
{
    private static readonly ConfigAttributes ShadowAttributes = new ConfigAttributes(ConfigSpace.ExtendedSize).Freeze();

    protected VirtualFunction(Sbdf virtualAddress)
    {
        VirtualAddress = virtualAddress;
        Shadow = ConfigSpace.Adopt(new byte[ConfigSpace.ExtendedSize], ShadowAttributes);
        Registers = new VirtualRegisterTable(Shadow);
    }

    public Sbdf VirtualAddress { get; }

    public VirtualRegisterTable Registers { get; }

    public ConfigSpace Shadow { get; }

    public ulong Read(int offset, int size) => Registers.Read(offset, size);

    public void Write(int offset, int size, ulong value) => Registers.Write(offset, size, value);

    /// <summary>Registers a shadow-backed register whose masks come from a spec row (<see cref="RegisterDef"/>).</summary>
    protected void AddShadow(in RegisterDef def, int baseOffset, uint initial) =>
        ShadowRegisters.Add(Registers, Shadow, def, baseOffset, initial);

    /// <summary>Registers a read-only constant held in the shadow.</summary>
    protected void AddConstant(int offset, int size, string name, uint value) =>
        ShadowRegisters.AddConstant(Registers, Shadow, offset, size, name, value);
}
