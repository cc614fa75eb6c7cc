using static Bridgekeeper.Firmware.Cper.Json.BitFieldStyle;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// The AER Extended Capability registers (PCIe Base 6.0 §7.8.4) as libcper's CPER-JSON decodes them
/// from the 96-byte AER block of a CPER PCIe section, by raw offset. One row per register.
/// </summary>
public static class AerJsonLayout
{
    private static BitField F(string name, int width, BitFieldStyle style = Int) => new(name, width, style);
    private static BitField R(int width) => BitField.Reserved(width);

    public static readonly RegisterLayout[] Registers =
    [
        // §7.8.4.1 AER Extended Capability Header
        new("capability_header", 0x00, 4, [F("capability_id", 16), F("capability_version", 4), F("next_capability_offset", 12)]),
        // §7.8.4.2 Uncorrectable Error Status Register
        new("uncorrectable_error_status", 0x04, 4, [R(1), R(3), F("data_link_protocol_error_status", 1, Bool), F("surprise_down_error_status", 1, Bool), R(6), F("poisoned_tlp_received", 1, Bool), F("flow_control_protocol_error_status", 1, Bool), F("completion_timeout_status", 1, Bool), F("completer_abort_status", 1, Bool), F("unexpected_completion_status", 1, Bool), F("receiver_overflow_status", 1, Bool), F("malformed_tlp_status", 1, Bool), F("ecrc_error_status", 1, Bool), F("unsupported_request_error_status", 1, Bool), F("acs_violation_status", 1, Bool), F("uncorrectable_internal_error_status", 1, Bool), F("mc_blocked_tlp_status", 1, Bool), F("atomicop_egress_blocked_status", 1, Bool), F("tlp_prefix_blocked_error_status", 1, Bool), F("poisoned_tlp_egress_blocked_status", 1, Bool), F("dmwr_request_egress_blocked_status", 1, Bool), F("ide_check_failed_status", 1, Bool), F("misrouted_ide_tlp_status", 1, Bool), F("pcrc_check_failed_status", 1, Bool), F("tlp_translation_egress_blocked_status", 1, Bool)]),
        // §7.8.4.3 Uncorrectable Error Mask Register
        new("uncorrectable_error_mask", 0x08, 4, [R(1), R(3), F("data_link_protocol_error_mask", 1, Int), F("surprise_down_error_mask", 1, Int), R(6), F("poisoned_tlp_received_mask", 1, Int), F("flow_control_protocol_error_mask", 1, Int), F("completion_timeout_mask", 1, Int), F("completer_abort_mask", 1, Int), F("unexpected_completion_mask", 1, Int), F("receiver_overflow_mask", 1, Int), F("malformed_tlp_mask", 1, Int), F("ecrc_error_mask", 1, Int), F("unsupported_request_error_mask", 1, Int), F("acs_violation_mask", 1, Int), F("uncorrectable_internal_error_mask", 1, Int), F("mc_blocked_tlp_mask", 1, Int), F("atomicop_egress_blocked_mask", 1, Int), F("tlp_prefix_blocked_error_mask", 1, Int), F("poisoned_tlp_egress_blocked_mask", 1, Int), F("dmwr_request_egress_blocked_mask", 1, Int), F("ide_check_failed_mask", 1, Int), F("misrouted_ide_tlp_mask", 1, Int), F("pcrc_check_failed_mask", 1, Int), F("tlp_translation_egress_blocked_mask", 1, Int)]),
        // §7.8.4.4 Uncorrectable Error Severity Register
        new("uncorrectable_error_severity", 0x0C, 4, [R(1), R(3), F("data_link_protocol_error_severity", 1, Severity), F("surprise_down_error_severity", 1, Severity), R(6), F("poisoned_tlp_received_severity", 1, Severity), F("flow_control_protocol_error_severity", 1, Severity), F("completion_timeout_severity", 1, Severity), F("completer_abort_severity", 1, Severity), F("unexpected_completion_severity", 1, Severity), F("receiver_overflow_severity", 1, Severity), F("malformed_tlp_severity", 1, Severity), F("ecrc_error_severity", 1, Severity), F("unsupported_request_error_severity", 1, Severity), F("acs_violation_severity", 1, Severity), F("uncorrectable_internal_error_severity", 1, Severity), F("mc_blocked_tlp_severity", 1, Severity), F("atomicop_egress_blocked_severity", 1, Severity), F("tlp_prefix_blocked_error_severity", 1, Severity), F("poisoned_tlp_egress_blocked_severity", 1, Severity), F("dmwr_request_egress_blocked_severity", 1, Severity), F("ide_check_failed_severity", 1, Severity), F("misrouted_ide_tlp_severity", 1, Severity), F("pcrc_check_failed_severity", 1, Severity), F("tlp_translation_egress_blocked_severity", 1, Severity)]),
        // §7.8.4.5 Correctable Error Status Register
        new("correctable_error_status", 0x10, 4, [F("receiver_error_status", 1, Bool), R(5), F("bad_tlp_status", 1, Bool), F("bad_dllp_status", 1, Bool), F("replay_num_rollover_status", 1, Bool), R(3), F("replay_timer_timeout_status", 1, Bool), F("advisory_non_fatal_error_status", 1, Bool), F("corrected_internal_error_status", 1, Bool), F("header_log_overflow_status", 1, Bool), R(16)]),
        // §7.8.4.6 Correctable Error Mask Register
        new("correctable_error_mask", 0x14, 4, [F("receiver_error_mask", 1, Int), R(5), F("bad_tlp_mask", 1, Int), F("bad_dllp_mask", 1, Int), F("replay_num_rollover_mask", 1, Int), R(3), F("replay_timer_timeout_mask", 1, Int), F("advisory_non_fatal_error_mask", 1, Int), F("corrected_internal_error_mask", 1, Int), F("header_log_overflow_mask", 1, Int), R(16)]),
        // §7.8.4.7 Advanced Error Capabilities and Control Register
        new("advanced_error_capabilities_and_control", 0x18, 4, [F("first_error_pointer", 5), R(8), F("header_log_size", 5), R(1),
            F("logged_tlp_size", 5), R(8)]),
        // §7.8.4.9 Root Error Command Register: libcper prints no field, so no object.
        new("root_error_command", 0x2C, 4, [R(32)]),
        // §7.8.4.10 Root Error Status Register. libcper's packed bit-field struct puts the interrupt
        // message number at bits 29:25 (its reserved run is 16 bits, not 18); kept so the JSON matches.
        new("root_error_status", 0x30, 4, [R(7), F("err_cor_subclass", 2), R(16), F("advanced_error_interrupt_message_number", 5), R(2)]),
        // §7.8.4.11 Error Source Identification Register
        new("error_source_id", 0x34, 4, [F("err_cor_source_identification", 16), F("err_fatal_nonfatal_source_identification", 16)]),
    ];
}
