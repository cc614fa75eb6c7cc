using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>
/// One error-reporting register that an injection changed, in the naming of the reference captures
/// (linux-groups aer-rounds): <c>status</c>, <c>sec_status</c>, <c>devsta</c>, <c>uncor_status</c>,
/// <c>cor_status</c>, <c>cap_control</c>, <c>first_error_pointer</c>, <c>header_log</c>,
/// <c>root_status</c>, <c>error_source</c> and its halves <c>error_source_cor</c> / <c>error_source_uncor</c>.
/// Values are formatted as the captures show them: hex of the register's width, the First Error
/// Pointer as a number, the Header Log as four dwords as config reads return them.
/// </summary>
public sealed record RegisterChange(Sbdf Device, string Register, object Before, object After);
