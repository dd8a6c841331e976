namespace SlaKit.Tests.Infrastructure;

/// <summary>The one assertion every refusal test makes: an argument was refused, by its name, and the message says why.</summary>
internal static class Refusal
{
    /// <summary>
    /// Asserts that <paramref name="refuse"/> throws an <see cref="ArgumentException"/> (or a type derived from it)
    /// naming <paramref name="parameter"/>, whose message contains <paramref name="because"/>.
    /// </summary>
    public static void Assert(Action refuse, string parameter, string because)
    {
        ArgumentException error = Xunit.Assert.ThrowsAny<ArgumentException>(refuse);

        Xunit.Assert.Equal(parameter, error.ParamName);
        Xunit.Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }
}
