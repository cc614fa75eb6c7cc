using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bridgekeeper.Bench;

/// <summary>
/// A short run inside the benchmark process: on the shared 2-core CI machine, building a separate
/// benchmark executable regularly exceeds BenchmarkDotNet's two-minute build timeout.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
}
