using Bridgekeeper.Cli.Report;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Cli.Tests.Report;

public class HtmlReportWriterTests
{
    [Fact]
    public void Report_loads_in_headless_chromium_without_script_errors_and_shows_devices_and_steps()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bk-report-{Environment.ProcessId}.html");
        HtmlReportWriter.Write(SyntheticRun.Report(), path);
        try
        {
            var page = HeadlessChromium.Load(path);
            Assert.Empty(page.ScriptErrors);
            Assert.Contains("data-ready=\"1\"", page.Dom);      // the page script ran to its end
            Assert.Contains("data-devices=\"7\"", page.Dom);    // and saw every node of the tree
            foreach (var device in new[] { SyntheticRun.RootPort, SyntheticRun.Nvme, SyntheticRun.Nic0, SyntheticRun.Nic1 })
                Assert.Contains($"data-sbdf=\"{device}\"", page.Dom);
            foreach (string step in new[] { EventKinds.ErrorDetected, EventKinds.OwnerQuiesced, EventKinds.SbrAssert, EventKinds.DeviceReady, EventKinds.RecoveryComplete })
                Assert.Contains($"<td>{step}</td>", page.Dom);
            Assert.Contains("id=\"timeline-chart\"", page.Dom);
            Assert.Contains("class=\"span-sbr\"", page.Dom);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_browser_check_sees_a_script_error()
    {
        // The check above must be able to fail: a page whose script throws is reported.
        string path = Path.Combine(Path.GetTempPath(), $"bk-broken-{Environment.ProcessId}.html");
        File.WriteAllText(path, "<!DOCTYPE html><html><body><script>document.body.dataset.x = undefinedThing.y;</script></body></html>");
        try
        {
            var page = HeadlessChromium.Load(path);
            Assert.NotEmpty(page.ScriptErrors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Report_is_self_contained_and_escapes_text()
    {
        string html = HtmlReportWriter.Render(SyntheticRun.Report());
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("segment 0 &lt;script&gt;", html);
        Assert.Contains("multifunction without ACS &amp; &lt;b&gt;", html);
        Assert.Equal(1, CountOf(html, "<script>"));
    }

    [Fact]
    public void Nodes_are_coloured_by_group_and_reset_scopes_outlined()
    {
        string html = HtmlReportWriter.Render(SyntheticRun.Report());
        string nic0 = NodeMarkup(html, SyntheticRun.Nic0.ToString());
        string nic1 = NodeMarkup(html, SyntheticRun.Nic1.ToString());
        string nvme = NodeMarkup(html, SyntheticRun.Nvme.ToString());
        Assert.Equal(FillOf(nic0), FillOf(nic1));
        Assert.NotEqual(FillOf(nic0), FillOf(nvme));
        Assert.Contains("data-owner=\"d1\"", nvme);
        Assert.Contains("class=\"reset-scope\" data-scope=\"sbr-02:00.0\"", html);
    }

    [Fact]
    public void Same_report_renders_to_the_same_bytes()
    {
        Assert.Equal(HtmlReportWriter.Render(SyntheticRun.Report()), HtmlReportWriter.Render(SyntheticRun.Report()));
    }

    private static string NodeMarkup(string html, string sbdf)
    {
        int start = html.IndexOf($"data-sbdf=\"{sbdf}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, sbdf);
        return html[start..html.IndexOf("</g>", start, StringComparison.Ordinal)];
    }

    private static string FillOf(string node)
    {
        int i = node.IndexOf("fill=\"", StringComparison.Ordinal) + 6;
        return node[i..node.IndexOf('"', i)];
    }

    private static int CountOf(string s, string part)
    {
        int n = 0;
        for (int i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
