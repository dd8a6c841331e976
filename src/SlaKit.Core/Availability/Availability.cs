using System.Globalization;

namespace SlaKit;

/// <summary>
/// The fraction of time a service is available, such as 99.99%.
/// </summary>
/// <remarks>
/// <para>
/// The value is held as its unavailability (1 − A) in <see cref="decimal"/> arithmetic, so the
/// quantities people care about — "four nines", 52m 33.6s a year — stay exact: <c>99.9</c> is
/// formatted as <c>99.9%</c>, never as <c>99.89999999999999%</c>, and composing 99.9% with 99.9%
/// gives exactly 99.8001%. Inputs given as <see cref="double"/> are read to 15 significant digits,
/// the precision a double carries.
/// </para>
/// <para>
/// <c>default(Availability)</c> is 100% (no unavailability). Compositions are nestable: every
/// combinator returns an <see cref="Availability"/> that can be composed again.
/// </para>
/// </remarks>
[System.ComponentModel.TypeConverter(typeof(AvailabilityTypeConverter))]
public readonly struct Availability : IEquatable<Availability>, IComparable<Availability>, IComparable, IFormattable
{
    private readonly decimal _unavailability;

    private Availability(decimal unavailability) => _unavailability = unavailability;

    /// <summary>100% availability: never down.</summary>
    public static Availability Perfect => default;

    /// <summary>0% availability: never up.</summary>
    public static Availability Zero => new(1m);

    /// <summary>The available fraction in [0, 1], for example 0.9999.</summary>
    public double Ratio => ToDouble(1m - _unavailability, 1.0);

    /// <summary>The available percentage in [0, 100], for example 99.99.</summary>
    public double Percent => ToDouble(PercentExact, 100.0);

    /// <summary>The unavailable fraction (1 − <see cref="Ratio"/>) in [0, 1], for example 0.0001.</summary>
    public double Unavailability => (double)_unavailability;

    /// <summary>
    /// The number of nines, −log10(1 − A): 3 for 99.9%, about 3.3 for 99.95%, and
    /// <see cref="double.PositiveInfinity"/> for 100%.
    /// </summary>
    public double Nines => Math.Abs(Math.Log10((double)_unavailability)); // log10(0) is −∞, so 100% has +∞ nines; Abs also turns −log10(1) = −0 into 0.

    /// <summary>The percentage as an exact decimal.</summary>
    internal decimal PercentExact => 100m - (_unavailability * 100m);

    /// <summary>
    /// <paramref name="value"/>, in [0, <paramref name="maximum"/>], as a double. The conversion from decimal is not
    /// correctly rounded: 99.99999999999999999999999999 comes out as 100.00000000000001, one step past the bound.
    /// </summary>
    private static double ToDouble(decimal value, double maximum) => Math.Clamp((double)value, 0.0, maximum);

    /// <summary>The unavailable fraction as an exact decimal.</summary>
    internal decimal UnavailabilityExact => _unavailability;

    /// <summary>Creates an availability from a percentage in [0, 100], such as 99.95.</summary>
    /// <param name="percent">The available percentage.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is NaN or outside [0, 100].</exception>
    public static Availability FromPercent(double percent)
    {
        if (double.IsNaN(percent) || percent < 0 || percent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "An availability percentage must be in [0, 100].");
        }

        return new Availability((100m - (decimal)percent) / 100m);
    }

    /// <summary>
    /// Creates an availability from a percentage in [0, 100] written as a decimal, exactly: a percentage read from text
    /// such as <c>99.99999999999999999999999</c> would round above 100 as a <see cref="double"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is outside [0, 100].</exception>
    internal static Availability FromPercentExact(decimal percent)
    {
        if (percent < 0m || percent > 100m)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "An availability percentage must be in [0, 100].");
        }

        return new Availability((100m - percent) / 100m);
    }

    /// <summary>Creates an availability from an available fraction in [0, 1], such as 0.9995.</summary>
    /// <param name="ratio">The available fraction.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ratio"/> is NaN or outside [0, 1].</exception>
    public static Availability FromRatio(double ratio)
    {
        if (double.IsNaN(ratio) || ratio < 0 || ratio > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "An availability ratio must be in [0, 1].");
        }

        return new Availability(1m - (decimal)ratio);
    }

    /// <summary>
    /// Creates an availability from a number of nines: 3 is 99.9%, 3.5 is about 99.968%.
    /// </summary>
    /// <param name="nines">The number of nines, in [0, 28]; whole numbers are exact.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nines"/> is NaN or outside [0, 28].</exception>
    public static Availability FromNines(double nines)
    {
        if (double.IsNaN(nines) || nines < 0 || nines > 28)
        {
            throw new ArgumentOutOfRangeException(nameof(nines), nines, "The number of nines must be in [0, 28].");
        }

        if (nines == Math.Floor(nines))
        {
            decimal unavailability = 1m;
            for (int i = 0; i < (int)nines; i++)
            {
                unavailability /= 10m;
            }

            return new Availability(unavailability);
        }

        return new Availability((decimal)Math.Pow(10, -nines));
    }

    /// <summary>
    /// The availability that allows exactly <paramref name="downtime"/> over <paramref name="period"/>;
    /// the inverse of <see cref="AllowedDowntime(SlaPeriod)"/>.
    /// </summary>
    /// <param name="downtime">The downtime, from zero up to the period's length.</param>
    /// <param name="period">The period the downtime is spread over.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="downtime"/> is negative or longer than the period.</exception>
    /// <exception cref="ArgumentException"><paramref name="period"/> is <c>default</c> and has no length.</exception>
    public static Availability FromDowntime(TimeSpan downtime, SlaPeriod period)
    {
        RequireLength(period);
        if (downtime < TimeSpan.Zero || downtime > period.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(downtime), downtime, $"The downtime must be between zero and the period's length ({DurationText.Format(period.Length)}).");
        }

        return new Availability((decimal)downtime.Ticks / period.Length.Ticks);
    }

    /// <summary>
    /// The steady-state availability of a component that runs <paramref name="mtbf"/> between failures
    /// on average and takes <paramref name="mttr"/> to repair: MTBF / (MTBF + MTTR).
    /// </summary>
    /// <param name="mtbf">Mean time between failures (the mean up time); positive.</param>
    /// <param name="mttr">Mean time to repair (the mean down time); zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mtbf"/> is not positive or <paramref name="mttr"/> is negative.</exception>
    public static Availability FromMtbfMttr(TimeSpan mtbf, TimeSpan mttr)
    {
        if (mtbf <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(mtbf), mtbf, "The mean time between failures must be positive.");
        }

        if (mttr < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(mttr), mttr, "The mean time to repair must not be negative.");
        }

        return new Availability((decimal)mttr.Ticks / ((decimal)mtbf.Ticks + mttr.Ticks));
    }

    /// <summary>Creates an availability from an exact unavailable fraction.</summary>
    internal static Availability FromUnavailability(decimal unavailability)
    {
        // Rounding in long decimal sums can stray a few units of the 28th digit outside [0, 1].
        return new Availability(Math.Clamp(unavailability, 0m, 1m));
    }

    /// <summary>
    /// The downtime this availability allows over <paramref name="period"/>, to the nearest tick (100 ns).
    /// </summary>
    /// <param name="period">The period, for example <see cref="SlaPeriod.CalendarMonth(int, int)"/>.</param>
    /// <returns>(1 − A) × the period's length.</returns>
    /// <exception cref="ArgumentException"><paramref name="period"/> is <c>default</c> and has no length.</exception>
    public TimeSpan AllowedDowntime(SlaPeriod period)
    {
        RequireLength(period);
        return AllowedDowntimeOver(period.Length);
    }

    /// <summary>The downtime this availability allows over a window <paramref name="length"/> long, to the nearest tick.</summary>
    internal TimeSpan AllowedDowntimeOver(TimeSpan length) =>
        TimeSpan.FromTicks((long)Math.Round(_unavailability * length.Ticks, MidpointRounding.AwayFromZero));

    private static void RequireLength(SlaPeriod period, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(period))] string? paramName = null)
    {
        if (period.Length <= TimeSpan.Zero)
        {
            throw new ArgumentException("The period has no length; create it with one of SlaPeriod's factories.", paramName);
        }
    }

    /// <summary>
    /// Serial composition: the system is up only when every component is up, A = Π Aᵢ.
    /// </summary>
    /// <param name="components">At least one component availability.</param>
    /// <exception cref="ArgumentException"><paramref name="components"/> is empty.</exception>
    public static Availability Serial(params ReadOnlySpan<Availability> components)
    {
        RequireAny(components, nameof(components));
        decimal up = 1m;
        foreach (Availability component in components)
        {
            up *= 1m - component._unavailability;
        }

        return FromUnavailability(1m - up);
    }

    /// <inheritdoc cref="Serial(ReadOnlySpan{Availability})"/>
    public static Availability Serial(IEnumerable<Availability> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return Serial(components.ToArray().AsSpan());
    }

    /// <summary>
    /// Parallel (redundant) composition: the system is up when any component is up,
    /// A = 1 − Π (1 − Aᵢ). Components are assumed to fail independently.
    /// </summary>
    /// <remarks>
    /// The unavailable fraction is kept exactly down to 10⁻²⁸ (28 nines, as <see cref="FromNines(double)"/> takes); a
    /// product smaller than that, such as ten redundant components at 99.9% (10⁻³⁰), is <see cref="Perfect"/>.
    /// </remarks>
    /// <param name="components">At least one component availability.</param>
    /// <exception cref="ArgumentException"><paramref name="components"/> is empty.</exception>
    public static Availability Parallel(params ReadOnlySpan<Availability> components)
    {
        RequireAny(components, nameof(components));
        decimal down = 1m;
        foreach (Availability component in components)
        {
            down *= component._unavailability;
        }

        return FromUnavailability(down);
    }

    /// <inheritdoc cref="Parallel(ReadOnlySpan{Availability})"/>
    public static Availability Parallel(IEnumerable<Availability> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return Parallel(components.ToArray().AsSpan());
    }

    /// <summary>
    /// k-of-n composition of identical components: the system is up when at least
    /// <paramref name="k"/> of <paramref name="n"/> components are up,
    /// A = Σᵢ₌ₖⁿ C(n, i) Aⁱ (1 − A)ⁿ⁻ⁱ.
    /// </summary>
    /// <remarks>As for <see cref="Parallel(ReadOnlySpan{Availability})"/>, an unavailable fraction below 10⁻²⁸ is <see cref="Perfect"/>.</remarks>
    /// <param name="k">How many components must be up, in [1, n].</param>
    /// <param name="n">How many components there are, in [1, 1000].</param>
    /// <param name="component">The availability of each component.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="k"/> is out of range.</exception>
    public static Availability KOfN(int k, int n, Availability component)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxKOfNComponents);

        // k is checked against 1 and n by the overload this calls, with the same parameter name.
        Availability[] components = new Availability[n];
        Array.Fill(components, component);
        return KOfN(k, components);
    }

    /// <summary>
    /// k-of-n composition of components that may differ: the system is up when at least
    /// <paramref name="k"/> of the components are up. Components are assumed to fail independently.
    /// </summary>
    /// <param name="k">How many components must be up, in [1, number of components].</param>
    /// <param name="components">Between 1 and 1000 component availabilities.</param>
    /// <exception cref="ArgumentException"><paramref name="components"/> is empty or has more than 1000 entries.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is out of range.</exception>
    public static Availability KOfN(int k, params ReadOnlySpan<Availability> components)
    {
        RequireAny(components, nameof(components));
        if (components.Length > MaxKOfNComponents)
        {
            throw new ArgumentException($"At most {MaxKOfNComponents} components are supported.", nameof(components));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, components.Length);

        // exactlyUp[j] = probability that exactly j of the components seen so far are up
        // (the Poisson-binomial distribution, built one component at a time).
        decimal[] exactlyUp = new decimal[components.Length + 1];
        exactlyUp[0] = 1m;
        for (int c = 0; c < components.Length; c++)
        {
            decimal down = components[c]._unavailability;
            decimal up = 1m - down;
            for (int j = c + 1; j >= 1; j--)
            {
                exactlyUp[j] = (exactlyUp[j] * down) + (exactlyUp[j - 1] * up);
            }

            exactlyUp[0] *= down;
        }

        // Summing the failing outcomes (fewer than k up) keeps small unavailabilities exact
        // instead of losing them to cancellation in 1 − Σ.
        decimal unavailability = 0m;
        for (int j = 0; j < k; j++)
        {
            unavailability += exactlyUp[j];
        }

        return FromUnavailability(unavailability);
    }

    /// <inheritdoc cref="KOfN(int, ReadOnlySpan{Availability})"/>
    public static Availability KOfN(int k, IEnumerable<Availability> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return KOfN(k, components.ToArray().AsSpan());
    }

    private const int MaxKOfNComponents = 1000;

    private static void RequireAny(ReadOnlySpan<Availability> components, string paramName)
    {
        if (components.IsEmpty)
        {
            throw new ArgumentException("At least one component is required.", paramName);
        }
    }

    /// <inheritdoc/>
    public bool Equals(Availability other) => _unavailability == other._unavailability;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Availability other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _unavailability.GetHashCode();

    /// <summary>Compares by availability: a higher availability sorts after a lower one.</summary>
    /// <param name="other">The availability to compare with.</param>
    /// <returns>Negative, zero or positive as this is less, equally or more available.</returns>
    public int CompareTo(Availability other) => other._unavailability.CompareTo(_unavailability);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Availability other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(Availability)}.", nameof(obj)),
    };

    /// <summary>Whether two availabilities are equal.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(Availability left, Availability right) => left.Equals(right);

    /// <summary>Whether two availabilities differ.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Availability left, Availability right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> is less available than <paramref name="right"/>.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns>The comparison's result.</returns>
    public static bool operator <(Availability left, Availability right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is more available than <paramref name="right"/>.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns>The comparison's result.</returns>
    public static bool operator >(Availability left, Availability right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is at most as available as <paramref name="right"/>.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns>The comparison's result.</returns>
    public static bool operator <=(Availability left, Availability right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is at least as available as <paramref name="right"/>.</summary>
    /// <param name="left">The first availability.</param>
    /// <param name="right">The second availability.</param>
    /// <returns>The comparison's result.</returns>
    public static bool operator >=(Availability left, Availability right) => left.CompareTo(right) >= 0;

    /// <summary>Formats the percentage with a percent sign, for example <c>99.99%</c>.</summary>
    /// <returns>The percentage: exact values print exactly, others to four significant digits of their unavailability.</returns>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats the percentage with a percent sign.</summary>
    /// <param name="format">
    /// <see langword="null"/> or <c>"G"</c> for the readable default (<c>99.99%</c>,
    /// <c>99.96529%</c>), or a standard numeric format applied to the percentage (<c>"F2"</c> → <c>99.97%</c>).
    /// </param>
    /// <param name="formatProvider">The culture; invariant when <see langword="null"/>.</param>
    /// <returns>The formatted percentage followed by <c>%</c>.</returns>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        formatProvider ??= CultureInfo.InvariantCulture;
        if (string.IsNullOrEmpty(format) || format == "G")
        {
            return FormatPercent(PercentExact, _unavailability, formatProvider) + "%";
        }

        return PercentExact.ToString(format, formatProvider) + "%";
    }

    /// <summary>
    /// The readable percentage: exact when the value has few digits (99.99), otherwise rounded so
    /// that the unavailability keeps four significant digits (99.96529 for 1 − 3.4707e-4), and a percentage under 1
    /// its own four (0.0000000001, not 0).
    /// </summary>
    internal static string FormatPercent(decimal percent, decimal unavailability, IFormatProvider? provider = null)
    {
        provider ??= CultureInfo.InvariantCulture;
        int decimals = 2;

        // Stryker disable once Equality : equivalent; at 0 the logarithm below is −∞, which leaves the two decimals too.
        if (unavailability > 0m)
        {
            decimal unavailablePercent = unavailability * 100m;
            int magnitude = (int)Math.Floor(Math.Log10((double)unavailablePercent));
            decimals = Math.Max(2, 3 - magnitude);
        }

        // A percentage under 1 keeps four significant digits of its own: 0.0000000001% must not read as 0%.
        if (percent > 0m && percent < 1m)
        {
            int magnitude = (int)Math.Floor(Math.Log10((double)percent));
            decimals = Math.Max(decimals, 3 - magnitude);
        }

        decimals = Math.Min(decimals, 26);
        decimal rounded = Math.Round(percent, decimals, MidpointRounding.AwayFromZero);
        return Normalize(rounded).ToString(provider);
    }

    /// <summary>Removes trailing zeros from a decimal's scale (3153.6000 → 3153.6).</summary>
    internal static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
