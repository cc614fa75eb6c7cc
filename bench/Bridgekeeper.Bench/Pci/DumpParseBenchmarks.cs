using System.Text;
using BenchmarkDotNet.Attributes;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Bench.Pci;

/// <summary>Parsing a 10,000-function lspci -xxxx dump (several PCI segments), then decoding every function.</summary>
[MemoryDiagnoser]
public class DumpParseBenchmarks
{
    private byte[] _dump = [];

    [Params(10_000)]
    public int Functions { get; set; }

    [GlobalSetup]
    public void Setup() => _dump = Encoding.ASCII.GetBytes(LargeDumpGenerator.DumpText(Functions));

    [Benchmark]
    public int Parse() => LspciDumpReader.Read(new MemoryStream(_dump, writable: false), "10k.dump").Functions.Length;

    [Benchmark]
    public int Parse_and_decode() => FunctionInspector.Inspect(LspciDumpReader.Read(new MemoryStream(_dump, writable: false), "10k.dump")).Functions.Count;
}
