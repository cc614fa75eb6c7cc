using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Bridgekeeper.Bench -- --filter '*'` runs every benchmark.
// `... -- --write-large-dump FILE [COUNT]` writes the generated lspci dump used by the inspect/lspci comparison.
if (args is ["--write-large-dump", var file, ..])
{
    int count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    File.WriteAllText(file, Bridgekeeper.Bench.Pci.LargeDumpGenerator.DumpText(count));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
