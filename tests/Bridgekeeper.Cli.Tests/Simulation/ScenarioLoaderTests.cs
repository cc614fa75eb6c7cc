using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;
using CsCheck;

namespace Bridgekeeper.Cli.Tests.Simulation;

public class ScenarioLoaderTests
{
    private const string Minimal = """
        name: t
        domains:
          - name: g
            notify: a
            driver: silent
        assign:
          - device: 0000:03:00.0
            to: g
        errors:
          - at: 1.5ms
            device: nvme0
            error: COMP_TIME
        """;

    public static TheoryData<string> ShippedScenarios()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Path.Combine(ReferenceData.RepoRoot, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_six_documented_scenarios_are_shipped()
    {
        var names = Directory.EnumerateFiles(Path.Combine(ReferenceData.RepoRoot, "scenarios"), "*.yaml").Select(Path.GetFileName).ToHashSet();
        string[] required = ["default.yaml", "silent-guest.yaml", "device-never-ready.yaml", "error-during-recovery.yaml", "correctable-storm.yaml", "shared-reset-scope.yaml"];
        Assert.Superset(required.ToHashSet<string?>(), names);
    }

    [Theory]
    [MemberData(nameof(ShippedScenarios))]
    public void Every_shipped_scenario_loads_and_is_documented_at_its_top(string file)
    {
        string path = Path.Combine(ReferenceData.RepoRoot, "scenarios", file);
        var scenario = ScenarioLoader.Load(path);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), scenario.Name);
        Assert.StartsWith($"# {file}:", File.ReadAllText(path));
        Assert.NotEmpty(scenario.Domains);
        Assert.NotEmpty(scenario.Errors);
        Assert.NotEmpty(scenario.Expectations);
    }

    [Fact]
    public void Default_scenario_has_an_option_b_nvme_an_option_a_vf_and_a_refused_partial_group()
    {
        var s = ScenarioLoader.Load(Path.Combine(ReferenceData.RepoRoot, "scenarios", "default.yaml"));
        Assert.Equal(NotificationOption.VirtualRootPort, s.DomainNamed("storage")!.Notification);
        Assert.Equal(NotificationOption.VirtualGhes, s.DomainNamed("web")!.Notification);
        Assert.Single(s.Assignments, a => a.ExpectRefused);
        Assert.Equal([ErrorPath.Native, ErrorPath.FirmwareFirst], s.Errors.Select(e => e.Path));
        Assert.Equal([ErrorSeverity.Fatal, ErrorSeverity.NonFatal], s.Errors.Select(e => e.Severity));
    }

    [Fact]
    public void Values_and_defaults_are_read_exactly()
    {
        var s = ScenarioLoader.Parse(Minimal, "m.yaml");
        var g = Assert.Single(s.Domains);
        Assert.Equal(new DomainId(1), g.Id);
        Assert.Equal(NotificationOption.VirtualGhes, g.Notification);
        Assert.Equal(GuestDriverBehaviour.Silent, g.Behaviour);
        Assert.Equal(Sbdf.Parse("0000:03:00.0"), s.Assignments[0].Devices[0].Address);
        var e = Assert.Single(s.Errors);
        Assert.Equal(SimTime.FromMicroseconds(1500), e.At);
        Assert.Null(e.Device.Address);
        Assert.Equal("nvme0", e.Device.Text);
        Assert.Equal(AerCapability.CompletionTimeout, e.StatusBits);
        Assert.Equal(ErrorSeverity.NonFatal, e.Severity); // Completion Timeout is not in the default Severity register
        Assert.Equal("arm-server", s.Platform.BuiltInName);
        Assert.Equal(Scenario.DefaultRunFor, s.RunFor);
    }

    [Theory]
    [InlineData("DLP", ErrorSeverity.Fatal)]
    [InlineData("MALF_TLP", ErrorSeverity.Fatal)]
    [InlineData("UNSUP", ErrorSeverity.NonFatal)]
    [InlineData("RCVR", ErrorSeverity.Correctable)]
    public void Severity_defaults_follow_the_default_severity_register(string error, ErrorSeverity expected)
    {
        var s = ScenarioLoader.Parse($"errors:\n  - at: 1ms\n    device: 00:01.0\n    error: {error}\n", "s.yaml");
        Assert.Equal(expected, s.Errors[0].Severity);
    }

    [Theory]
    [InlineData("domains:\n  - name: g\n    notfy: a\n", 3, "domains[0].notfy", "unknown field")]
    [InlineData("domains:\n  - name: g\n    notify: c\n", 3, "domains[0].notify", "'c' is not one of")]
    [InlineData("errors:\n  - at: soon\n    device: 00:01.0\n    error: DLP\n", 2, "errors[0].at", "not a virtual time")]
    [InlineData("errors:\n  - at: 1ms\n    device: 00:01.0\n    error: NOPE\n", 4, "errors[0].error", "not an AER error name")]
    [InlineData("errors:\n  - at: 1ms\n    device: 00:01.0\n    error: RCVR\n    severity: fatal\n", 5, "errors[0].severity", "correctable")]
    [InlineData("errors:\n  - at: 1ms\n    device: 00:01.0\n    error: 0x1\n", 4, "errors[0].error", "not uncorrectable")]
    [InlineData("errors:\n  - at: 1ms\n    device: 'a b'\n    error: DLP\n", 3, "errors[0].device", "neither a PCI address")]
    [InlineData("assign:\n  - device: 00:01.0\n    to: nobody\n", 3, "assign[0].to", "no domain named 'nobody'")]
    [InlineData("domains:\n  - name: g\n  - name: g\n", 3, "domains[1].name", "defined twice (first at line 2)")]
    [InlineData("domains:\n  - name: g\n    id: 0\n", 3, "domains[0].id", "out of range")]
    [InlineData("expect:\n  - device: nvme0\n", 2, "expect[0].ends", "is required")]
    [InlineData("domains: [\n", 2, "(yaml)", "")]
    [InlineData("name: a\nname: b\n", 2, "(yaml)", "Duplicate key")]
    [InlineData("- 1\n", 1, "", "expected a mapping")]
    public void Bad_input_names_file_line_and_field(string yaml, int line, string field, string problem)
    {
        var ex = Assert.Throws<ScenarioFormatException>(() => ScenarioLoader.Parse(yaml, "bad.yaml"));
        Assert.Equal("bad.yaml", ex.InputSource);
        Assert.Equal(line, ex.Offset);
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Problem);
        Assert.StartsWith($"bad.yaml: line {line}: {field}: ", ex.Message);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error()
    {
        Assert.Throws<FileNotFoundException>(() => ScenarioLoader.Load("/nonexistent/scenario.yaml"));
    }

    [Fact]
    public void A_platform_file_is_resolved_beside_the_scenario()
    {
        var s = ScenarioLoader.Parse("platform: my-machine.yaml\n", "/tmp/x/s.yaml");
        Assert.Null(s.Platform.BuiltInName);
        Assert.Equal("/tmp/x/my-machine.yaml", s.Platform.FilePath);
    }

    [Fact]
    public void Any_text_either_loads_or_is_a_scenario_format_error()
    {
        // Mutate a valid scenario anywhere: the loader must answer with a scenario or the typed error, never crash.
        Gen.Int[0, Minimal.Length - 1].Select(Gen.Char["ab1:- \n.x{[0"]).Sample((pos, c) =>
        {
            string text = Minimal[..pos] + c + Minimal[(pos + 1)..];
            try
            {
                ScenarioLoader.Parse(text, "fuzz.yaml");
            }
            catch (ScenarioFormatException ex)
            {
                Assert.True(ex.Offset >= 1, ex.Message);
            }
        }, iter: 5000);
    }
}
