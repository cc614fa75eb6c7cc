using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.RasLog;

/// <summary>The file given as a RAS log is not one (not SQLite, or without the errors/steps tables).</summary>
public sealed class RasLogFormatException(string path, string problem)
    : InputFormatException(path, 0, "database", problem, "file");
