using static Bridgekeeper.Firmware.Cper.Json.BitFieldStyle;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// The PCI Express Capability registers (PCIe Base 6.0 §7.5.3) as libcper's CPER-JSON decodes them from
/// the 60 bytes in a CPER PCIe section: one row per register, fields low bit first. Registers from
/// Device Capabilities 2 on exist only for capability version 2 and later.
/// </summary>
public static class PcieCapabilityJsonLayout
{
    private static BitField F(string name, int width, BitFieldStyle style = Int) => new(name, width, style);
    private static BitField R(int width) => BitField.Reserved(width);

    /// <summary>Offsets 0x00-0x23, always present.</summary>
    public static readonly RegisterLayout[] Version1 =
    [
        // §7.5.3.1 PCI Express Capability List Register
        new("pcie_capability_header", 0x00, 2, [F("capability_id", 8, Raw), F("next_capability_pointer", 8)]),
        // §7.5.3.2 PCI Express Capabilities Register
        new("pcie_capabilities", 0x02, 2, [F("capability_version", 4), F("device_port_type", 4, DevicePortType),
            F("slot_implemented", 1, Bool), F("interrupt_message_number", 5), R(1), F("flit_mode_supported", 1, Supported)]),
        // §7.5.3.3 Device Capabilities Register
        new("device_capabilities", 0x04, 4, [F("max_payload_size_supported", 3), F("phantom_functions_supported", 2, Supported),
            F("extended_tag_field_supported", 1, Supported), F("endpoint_l0s_acceptable_latency", 3, Raw),
            F("endpoint_l1_acceptable_latency", 3, Raw), R(3), F("role_based_error_reporting", 1, Bool),
            F("err_cor_subclass_capable", 1, Bool), F("rx_mps_fixed", 1), F("captured_slot_power_limit_value", 8),
            F("captured_slot_power_limit_scale", 2), F("function_level_reset_capability_supported", 1, Supported),
            F("mixed_mps_supported", 1, Supported), F("tee_io_supported", 1, Supported), R(1)]),
        // §7.5.3.4 Device Control Register
        new("device_control", 0x08, 2, [F("correctable_error_reporting_enable", 1, Enabled),
            F("non_fatal_error_reporting_enable", 1, Enabled), F("fatal_error_reporting_enable", 1, Enabled),
            F("unsupported_request_reporting_enabled", 1, Enabled), F("relaxed_ordering_enable", 1, Enabled),
            F("max_payload_size", 3), F("extended_tag_field_enable", 1, Enabled), F("phantom_functions_enable", 1, Enabled),
            F("aux_power_pm_enable", 1, Enabled), F("enable_no_snoop", 1), F("max_read_request_size", 3),
            F("function_level_reset", 1, Bool)]),
        // §7.5.3.5 Device Status Register
        new("device_status", 0x0A, 2, [F("correctable_error_detected", 1, Bool), F("non_fatal_error_detected", 1, Bool),
            F("fatal_error_detected", 1, Bool), F("unsupported_request_detected", 1, Bool), F("aux_power_detected", 1, Bool),
            F("transactions_pending", 1, Bool), F("emergency_power_reduction", 2), R(8)]),
        // §7.5.3.6 Link Capabilities Register
        new("link_capabilities", 0x0C, 4, [F("max_link_speed", 4), F("maximum_link_width", 6), F("aspm_support", 2),
            F("l0s_exit_latency", 3), F("l1_exit_latency", 3), F("clock_power_management", 1, Bool),
            F("surprise_down_error_reporting_capable", 1, Bool), F("data_link_layer_link_active_reporting_capable", 1, Bool),
            F("link_bandwidth_notification_capability", 1, Bool), F("aspm_optionality_compliance", 1, Bool), R(1),
            F("port_number", 8)]),
        // §7.5.3.7 Link Control Register
        new("link_control", 0x10, 2, [F("aspm_control", 2), F("ptm_prop_delay_adaptation_interpretation", 1, Bool), R(1),
            F("link_disable", 1), F("retrain_link", 1), R(1), F("extended_synch", 1), R(4), F("sris_clocking", 1),
            F("flit_mode_disable", 1), R(1)]),
        // §7.5.3.8 Link Status Register
        new("link_status", 0x12, 2, [F("current_link_speed", 4), F("negotiated_link_width", 6), R(1), F("link_training", 1), R(4)]),
        // §7.5.3.9 Slot Capabilities Register
        new("slot_capabilities", 0x14, 4, [R(7), F("slot_power_limit_value", 8, Raw), F("slot_power_limit_scale", 2), R(2),
            F("physical_slot_number", 13)]),
        // §7.5.3.10 Slot Control Register
        new("slot_control", 0x18, 2, [R(6), F("attention_indicator_control", 2), F("power_indicator_control", 2), R(5), F("rsvdp", 1)]),
        // §7.5.3.11 Slot Status Register
        new("slot_status", 0x1A, 2, [R(2), F("mrl_sensor_changed", 1), R(1), F("command_completed", 1), F("mrl_sensor_state", 1), R(10)]),
        // §7.5.3.12-13 Root Control and Root Capabilities: libcper prints no field, so no object.
        new("root_control", 0x1C, 2, [R(16)]),
        new("root_capabilities", 0x1E, 2, [R(16)]),
        // §7.5.3.14 Root Status Register
        new("root_status", 0x20, 4, [F("pme_requester_id", 16), F("pme_status", 1), F("pme_pending", 1), R(14)]),
    ];

    /// <summary>Offsets 0x24-0x3B, present when capability_version >= 2.</summary>
    public static readonly RegisterLayout[] Version2 =
    [
        // §7.5.3.15 Device Capabilities 2 Register
        new("device_capabilities2", 0x24, 4, [F("completion_timeout_ranges_supported", 4),
            F("completion_timeout_disable_supported", 1, Supported), F("ari_forwarding_supported", 1, Supported),
            F("atomic_op_routing_supported", 1, Supported), F("_32_bit_atomicop_completer_supported", 1, Supported),
            F("_64_bit_atomicop_completer_supported", 1, Supported), F("_128_bit_cas_completer_supported", 1, Supported),
            F("no_ro_enabled_pr_pr_passing", 1, Passing), F("ltr_mechanism_supported", 1, Supported),
            F("tph_completer_supported", 2, Supported), R(2), R(1), R(1), F("obff_supported", 2, Supported), R(1), R(1),
            F("max_end_end_tlp_prefixes", 2, Raw), F("emergency_power_reduction_supported", 2, Supported), R(1), R(1), R(1),
            F("dmwr_lengths_supported", 2), R(1)]),
        // §7.5.3.16 Device Control 2 Register
        new("device_control2", 0x28, 2, [F("completion_timeout_value", 4), R(1), F("ari_forwarding_enable", 1, Bool),
            F("atomicop_requester_enable", 1, Bool), F("atomicop_egress_blocking", 1, Bool), F("ido_request_enable", 1, Bool),
            F("ido_completion_enable", 1, Bool), F("ltr_mechanism_enable", 1, Bool),
            F("emergency_power_reduction_request", 1, Bool), F("bit_tag_requester_10_enable", 1, Bool), F("obff_enable", 2), R(1)]),
        new("device_status2", 0x2A, 2, [R(16)]),
        // §7.5.3.18 Link Capabilities 2 Register. libcper's struct wraps Supported Link Speeds in a union,
        // which its packed layout turns into 8 bytes: the speeds land at bits 14:8 and the fields after
        // them four bytes later than the spec, and Link Control 2 / Link Status 2 are read at 0x34 and
        // 0x36 instead of 0x30 and 0x32. The JSON must match libcper, so the quirk is reproduced.
        new("link_capabilities2", 0x2C, 8, [R(8), F("supported_link_speeds", 7), R(25), F("crosslink_supported", 1, Supported),
            F("lower_skp_os_generation_supported", 7), F("lower_skp_os_reception_supported", 7),
            F("retimer_presence_detect_supported", 1, Supported), F("two_retimers_presence_detect_supported", 1, Supported),
            R(6), F("drs_supported", 1, Supported)]),
        // §7.5.3.19 Link Control 2 Register (read at libcper's offset, see above)
        new("link_control2", 0x34, 2, [F("target_link_speed", 4, Raw), F("enter_compliance", 1, Supported),
            F("hardware_autonomous_speed_disable", 1, Raw), F("selectable_de_emphasis", 1, Bool), F("transmit_margin", 3),
            F("enter_modified_compliance", 1, Bool), F("compliance_sos", 1, Bool), F("compliance_preset_de_emphasis", 4)]),
        // §7.5.3.20 Link Status 2 Register
        new("link_status2", 0x36, 2, [F("current_de_emphasis_level", 1), F("equalization_8gts_complete", 1, Bool),
            F("equalization_8gts_phase1_successful", 1, Bool), F("equalization_8gts_phase2_successful", 1, Bool),
            F("equalization_8gts_phase3_successful", 1, Bool), F("link_equalization_request_8gts", 1, Bool),
            F("retimer_presence_detected", 1, Bool), F("two_retimers_presence_detected", 1, Bool),
            F("crosslink_resolution", 2), F("flit_mode_status", 1), R(1), F("downstream_component_presence", 3),
            F("drs_message_received", 1, Bool)]),
        // Slot Capabilities/Control/Status 2: libcper prints no field (and its shifted offsets would
        // run past the 60 bytes), so they are not listed.
    ];
}
