namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>How an error reached the hypervisor: the root port's AER interrupt, or a firmware-first GHES source.</summary>
public enum ErrorOrigin
{
    NativeAer,
    FirmwareFirst,
}
