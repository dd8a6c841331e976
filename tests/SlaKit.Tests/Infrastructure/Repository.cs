namespace SlaKit.Tests.Infrastructure;

/// <summary>Where the repository's own files are, for tests that read them (samples, sources).</summary>
internal static class Repository
{
    /// <summary>The directory holding SlaKit.sln, found above the test's own directory.</summary>
    /// <exception cref="InvalidOperationException">No SlaKit.sln is above the test's directory.</exception>
    public static string Root
    {
        get
        {
            for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SlaKit.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (SlaKit.sln) is not above the test's directory.");
        }
    }
}
