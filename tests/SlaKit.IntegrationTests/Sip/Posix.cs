using System.Runtime.InteropServices;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>The one POSIX call the SIPp tests need: sending a signal to a process.</summary>
internal static class Posix
{
    /// <summary>SIGSTOP on Linux: stops a process; it cannot be caught.</summary>
    public const int SigStop = 19;

    /// <summary>SIGCONT on Linux: lets a stopped process run again.</summary>
    public const int SigCont = 18;

    // DllImport rather than LibraryImport: the generated stub would need unsafe code in the test project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
