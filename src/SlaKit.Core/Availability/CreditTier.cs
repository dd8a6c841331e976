namespace SlaKit;

/// <summary>
/// One tier of an SLA credit schedule: when the measured month is below <see cref="Below"/>,
/// <see cref="CreditPercent"/> of the month's fee is owed back.
/// </summary>
public sealed record CreditTier
{
    /// <summary>Creates a tier.</summary>
    /// <param name="below">The availability under which the tier applies (strictly below).</param>
    /// <param name="creditPercent">The credit owed, in [0, 100] percent of the month's fee; −0 is taken as 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="creditPercent"/> is NaN or outside [0, 100].</exception>
    public CreditTier(Availability below, double creditPercent)
    {
        if (double.IsNaN(creditPercent) || creditPercent < 0 || creditPercent > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(creditPercent), creditPercent, "A credit must be in [0, 100] percent.");
        }

        Below = below;
        // −0 is 0: a credit of "-0" would not read back.
        CreditPercent = creditPercent + 0.0;
    }

    /// <summary>The availability under which the tier applies; a month exactly at it earns no credit from this tier.</summary>
    public Availability Below { get; }

    /// <summary>The credit owed, in percent of the month's fee.</summary>
    public double CreditPercent { get; }

    /// <summary>
    /// The tier as <see cref="CreditSchedule.Parse(string)"/> reads it, for example <c>99.99:10</c>; the credit in the
    /// fewest digits that read back as it, without an exponent (<c>0.00001</c>, not <c>1E-05</c>).
    /// </summary>
    /// <returns>The tier's text.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Availability.Normalize(Below.PercentExact)}:{NumberText.Plain(CreditPercent)}");
}
