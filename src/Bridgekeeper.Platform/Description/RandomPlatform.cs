using System.Collections.Immutable;

namespace Bridgekeeper.Platform;

/// <summary>
/// A platform drawn by <see cref="RandomPlatformGenerator"/>: its seed, the platform file it was written
/// as, the description read back from that file, and the endpoints a guest may be given.
/// </summary>
public sealed record RandomPlatform(ulong Seed, string Yaml, PlatformDescription Description, ImmutableArray<AssignableDevice> Assignable);
