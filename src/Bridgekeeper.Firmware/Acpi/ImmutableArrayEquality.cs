using System.Collections.Immutable;

namespace Bridgekeeper.Firmware.Acpi;

/// <summary>
/// Element-wise equality for the <see cref="ImmutableArray{T}"/> members of decoded-table records:
/// ImmutableArray's own Equals compares array references, which would make two equal tables unequal.
/// </summary>
internal static class ImmutableArrayEquality
{
    public static bool Equal<T>(ImmutableArray<T> a, ImmutableArray<T> b)
    {
        if (a.IsDefault || b.IsDefault) return a.IsDefault == b.IsDefault;
        if (a.Length != b.Length) return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i])) return false;
        }
        return true;
    }

    public static int Hash<T>(ImmutableArray<T> a)
    {
        var hash = new HashCode();
        if (a.IsDefault) return 0;
        foreach (var item in a) hash.Add(item);
        return hash.ToHashCode();
    }
}
