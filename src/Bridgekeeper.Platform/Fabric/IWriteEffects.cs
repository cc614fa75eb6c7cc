namespace Bridgekeeper.Platform;

/// <summary>The hardware behaviour behind a side-effecting register write (reset, VF Enable, AER bookkeeping).</summary>
internal interface IWriteEffects
{
    void Apply(WriteEffect effect, SimFunction function, int dword, uint before, uint after);
}
