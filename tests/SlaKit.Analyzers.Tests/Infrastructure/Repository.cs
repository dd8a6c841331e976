namespace SlaKit.Analyzers.Tests.Infrastructure;

/// <summary>The repository the tests run in, and throwaway projects built beside it.</summary>
internal static class Repository
{
    /// <summary>The folder that holds SlaKit.sln, found above the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Stops MSBuild's search for Directory.Build.* in the folders above a throwaway project in <paramref name="directory"/>.</summary>
    public static void IsolateBuild(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />");
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SlaKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SlaKit.sln was not found above " + AppContext.BaseDirectory);
    }
}
