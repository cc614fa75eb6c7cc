using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Bridgekeeper.Bench -- --filter '*'` runs every benchmark.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
