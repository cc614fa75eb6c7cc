using System.Globalization;
using Bridgekeeper.Pci;
using Aer = Bridgekeeper.Pci.AerCapability;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform;

/// <summary>
/// The error-reporting registers of every function of a machine at one moment (Status, Secondary
/// Status, Device Status, the AER status/control/log registers, Root Error Status and Error Source
/// Identification; PCIe Base 6.0 §7.5.1, §7.5.3.5, §7.8.4), and the difference between two snapshots.
/// </summary>
public sealed class ErrorRegisterSnapshot
{
    private readonly List<(Sbdf Device, string Register, object Value)> _values = [];

    public static ErrorRegisterSnapshot Take(SimulatedMachine machine)
    {
        var s = new ErrorRegisterSnapshot();
        var functions = machine.Fabric.AllFunctions().Where(f => !f.Removed).OrderBy(f => f.Address).ToList();
        foreach (var f in functions) s.Add(f);
        return s;
    }

    /// <summary>Registers whose value differs, in device order and the register order above.</summary>
    public static IReadOnlyList<RegisterChange> Changes(ErrorRegisterSnapshot before, ErrorRegisterSnapshot after)
    {
        var old = new Dictionary<(Sbdf, string), object>();
        foreach (var (d, r, v) in before._values) old[(d, r)] = v;
        var changes = new List<RegisterChange>();
        foreach (var (d, r, v) in after._values)
        {
            if (old.TryGetValue((d, r), out var was) && !Same(was, v)) changes.Add(new RegisterChange(d, r, was, v));
        }
        return changes;
    }

    private void Add(SimFunction f)
    {
        var c = f.Config;
        var a = f.Address;
        _values.Add((a, "status", Hex16(c.ReadUInt16(ConfigHeader.Status))));
        if (f.IsBridge) _values.Add((a, "sec_status", Hex16(c.ReadUInt16(ConfigHeader.SecondaryStatus))));
        if (f.IsPcie) _values.Add((a, "devsta", Hex16(c.ReadUInt16(f.PcieCapability + Pcie.DeviceStatus))));
        int aer = f.AerCapability;
        if (aer == 0) return;
        _values.Add((a, "uncor_status", Hex32(c.ReadUInt32(aer + Aer.UncorrectableStatus))));
        _values.Add((a, "cor_status", Hex32(c.ReadUInt32(aer + Aer.CorrectableStatus))));
        uint cap = c.ReadUInt32(aer + Aer.CapabilitiesControl);
        _values.Add((a, "cap_control", Hex32(cap)));
        _values.Add((a, "first_error_pointer", (int)(cap & Aer.FirstErrorPointerMask)));
        var log = new string[4];
        for (int i = 0; i < 4; i++) log[i] = Hex32(c.ReadUInt32(aer + Aer.HeaderLog + 4 * i));
        _values.Add((a, "header_log", log));
        if (!f.HasRootErrorRegisters) return;
        _values.Add((a, "root_status", Hex32(c.ReadUInt32(aer + Aer.RootErrorStatus))));
        uint source = c.ReadUInt32(aer + Aer.ErrorSourceId);
        _values.Add((a, "error_source", Hex32(source)));
        _values.Add((a, "error_source_cor", Hex16((ushort)source)));
        _values.Add((a, "error_source_uncor", Hex16((ushort)(source >> 16))));
    }

    private static bool Same(object a, object b) => a is string[] x && b is string[] y ? x.SequenceEqual(y) : a.Equals(b);

    private static string Hex16(ushort v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:x4}");

    private static string Hex32(uint v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:x8}");
}
