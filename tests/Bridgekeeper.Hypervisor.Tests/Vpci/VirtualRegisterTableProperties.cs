using Bridgekeeper.Hypervisor.Vpci;
using Bridgekeeper.Pci;
using CsCheck;

namespace Bridgekeeper.Hypervisor.Tests.Vpci;

/// <summary>The table's split/merge/mask dispatch against a naive per-bit model of PCIe Base 6.0 §7.4 attributes.</summary>
public class VirtualRegisterTableProperties
{
    private const int Dwords = 8;

    private sealed record Spec(int Offset, int Size, uint Ro, uint Rw1c, uint RsvdP, uint RsvdZ, uint Initial);

    private sealed record Op(bool Write, int Offset, int Size, ulong Value);

    // How one dword is cut into registers (null = unregistered).
    private static readonly int[]?[] Layouts = [null, [4], [2, 2], [2, 1, 1], [1, 1, 2], [1, 1, 1, 1]];

    private static readonly Gen<uint[]> Masks = Gen.UInt.Array[5];

    private static readonly Gen<List<Spec>> SpecsGen =
        Gen.Select(Gen.Int[0, Layouts.Length - 1].Array[Dwords], Masks.Array[Dwords * 4]).Select((layouts, masks) =>
        {
            var specs = new List<Spec>();
            int m = 0;
            for (int d = 0; d < Dwords; d++)
            {
                if (Layouts[layouts[d]] is not { } cut) continue;
                int at = d * 4;
                foreach (int size in cut)
                {
                    uint w = size == 4 ? 0xFFFF_FFFFu : (1u << (size * 8)) - 1;
                    var r = masks[m++];
                    // Three random bits pick each bit's attribute; the four classes are disjoint by construction.
                    uint ro = r[0] & r[1] & ~r[2] & w, rw1c = ~r[0] & ~r[1] & r[2] & w;
                    uint rsvdP = r[0] & ~r[1] & r[2] & w, rsvdZ = ~r[0] & r[1] & r[2] & w;
                    specs.Add(new Spec(at, size, ro, rw1c, rsvdP, rsvdZ, r[3] & w));
                    at += size;
                }
            }
            return specs;
        });

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Bool, Gen.Int[0, Dwords * 4 - 1], Gen.OneOf(1, 2, 4, 8), Gen.ULong)
        .Select((write, offset, size, value) => new Op(write, offset & ~(size - 1) & (Dwords * 4 - 1) & ~(size - 1), size, value));

    /// <summary>
    /// <paramref name="shadowBacked"/> serves the registers through the per-dword fast plans,
    /// <paramref name="readsShadow"/> only their reads, neither through the handlers: all must match the
    /// model (and so each other).
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Dispatch_matches_a_naive_per_bit_model(bool shadowBacked, bool readsShadow)
    {
        Gen.Select(SpecsGen, OpGen.Array[1, 60]).Sample((specs, ops) =>
        {
            var shadow = ConfigSpace.Create(new byte[ConfigSpace.ExtendedSize], new ConfigAttributes(ConfigSpace.ExtendedSize).Freeze());
            var table = new VirtualRegisterTable(shadow);
            long unclaimedReads = 0, droppedWrites = 0;
            var model = new Dictionary<int, (Spec Spec, uint Value)>();
            foreach (var s in specs)
            {
                shadow.Store(s.Offset, s.Size, s.Initial);
                table.Add(new VirtualRegister(s.Offset, s.Size, $"r{s.Offset:x}", shadow.Read, ShadowRegisters.WriterFor(shadow, s.Rw1c), s.Ro, s.Rw1c, s.RsvdP, s.RsvdZ, shadowBacked, readsShadow));
                model[s.Offset] = (s, s.Initial);
            }
            foreach (var op in ops)
            {
                if (op.Size == 8 && op.Offset + 8 > Dwords * 4) continue;
                long unclaimed = UnclaimedParts(model, op.Offset, op.Size);
                if (op.Write) { table.Write(op.Offset, op.Size, op.Value); ModelWrite(model, op); droppedWrites += unclaimed; }
                else { Assert.Equal(ModelRead(model, op.Offset, op.Size), table.Read(op.Offset, op.Size)); unclaimedReads += unclaimed; }
            }
            Assert.Equal(droppedWrites, table.DroppedWrites);
            Assert.Equal(unclaimedReads, table.UnclaimedReads);
            for (int at = 0; at < Dwords * 4; at += 4)
                Assert.Equal(ModelRead(model, at, 4), table.Read(at, 4));
        }, iter: 300);
    }

    /// <summary>How many counted parts of the access touch an unclaimed byte (an 8-byte access is two dword parts).</summary>
    private static long UnclaimedParts(Dictionary<int, (Spec Spec, uint Value)> model, int offset, int size) =>
        size == 8 ? UnclaimedParts(model, offset, 4) + UnclaimedParts(model, offset + 4, 4) : Unclaimed(model, offset, size) ? 1 : 0;

    private static bool Unclaimed(Dictionary<int, (Spec Spec, uint Value)> model, int offset, int size)
    {
        for (int b = 0; b < size; b++)
            if (Owner(model, offset + b) is null) return true;
        return false;
    }

    private static (Spec Spec, uint Value)? Owner(Dictionary<int, (Spec Spec, uint Value)> model, int b)
    {
        foreach (var (_, e) in model)
            if (b >= e.Spec.Offset && b < e.Spec.Offset + e.Spec.Size) return e;
        return null;
    }

    private static ulong ModelRead(Dictionary<int, (Spec Spec, uint Value)> model, int offset, int size)
    {
        ulong result = 0;
        for (int b = 0; b < size; b++)
        {
            ulong value = 0xFF;
            if (Owner(model, offset + b) is { } e)
                value = ((e.Value & ~(e.Spec.RsvdP | e.Spec.RsvdZ)) >> ((offset + b - e.Spec.Offset) * 8)) & 0xFF;
            result |= value << (b * 8);
        }
        return result;
    }

    private static void ModelWrite(Dictionary<int, (Spec Spec, uint Value)> model, Op op)
    {
        for (int b = 0; b < op.Size; b++)
        {
            int at = op.Offset + b;
            if (Owner(model, at) is not { } e) continue;
            int byteIndex = at - e.Spec.Offset;
            uint written = (uint)((op.Value >> (b * 8)) & 0xFF);
            uint value = e.Value;
            for (int bit = 0; bit < 8; bit++)
            {
                int i = byteIndex * 8 + bit;
                uint m = 1u << i;
                bool one = (written & (1u << bit)) != 0;
                if ((e.Spec.Ro & m) != 0 || (e.Spec.RsvdP & m) != 0) continue;         // keep
                if ((e.Spec.RsvdZ & m) != 0) { value &= ~m; continue; }                // write zero
                if ((e.Spec.Rw1c & m) != 0) { if (one) value &= ~m; continue; }        // 1 clears
                value = one ? value | m : value & ~m;                                 // RW
            }
            model[e.Spec.Offset] = (e.Spec, value);
        }
    }
}
