using System.Text.RegularExpressions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// Every refusal code is provoked by a test that checks the code, not only the status or the words:
/// clients switch on the code, so a code no test provokes can break without anyone seeing it.
/// </summary>
public class RefusalSweepTests
{
    static readonly string TestsFolder = Path.Combine(ParleyServerProcess.RepoRoot, "tests");

    [Fact]
    public void Every_refusal_code_is_checked_by_a_test_that_provokes_it()
    {
        var sources = Directory.EnumerateFiles(TestsFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") &&
                        Path.GetFileName(f) != $"{nameof(RefusalSweepTests)}.cs")
            .Select(File.ReadAllText).ToList();
        Assert.True(sources.Count > 20, $"found only {sources.Count} test sources under {TestsFolder}");

        // A test names the code it expects either as the enum member or in its wire spelling.
        var unprovoked = Enum.GetValues<RefusalCode>()
            .Where(code => !sources.Any(s => Regex.IsMatch(s, $@"RefusalCode\.{code}\b") || s.Contains($"\"{code.Wire()}\"")))
            .ToList();

        Assert.True(unprovoked.Count == 0, $"No test provokes and checks: {string.Join(", ", unprovoked)}.");
    }
}
