using SlaKit.Budgets;

namespace SlaKit.Prometheus;

/// <summary>
/// An SLO as Prometheus evaluates it: the <see cref="Budgets.Slo"/>, where its events come from, and the
/// burn-rate alerts that watch it.
/// </summary>
public sealed class PrometheusSlo
{
    /// <summary>Creates the Prometheus view of an SLO.</summary>
    /// <param name="slo">The SLO; its name labels every series and alert generated for it.</param>
    /// <param name="sli">
    /// Where its events come from; <see langword="null"/> (the default) is SlaKit's own metric,
    /// <see cref="PrometheusSli.SlaKitEvents(string)"/>.
    /// </param>
    /// <param name="alertPolicy">
    /// The burn-rate alerts; <see langword="null"/> (the default) is <see cref="BurnRateAlertPolicy.ForSlo(Slo)"/>,
    /// the SRE workbook's table that <see cref="ErrorBudgetTracker"/> uses too.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="slo"/> is <see langword="null"/>.</exception>
    public PrometheusSlo(Slo slo, PrometheusSli? sli = null, BurnRateAlertPolicy? alertPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(slo);
        Slo = slo;
        Sli = sli ?? PrometheusSli.SlaKitEvents();
        AlertPolicy = alertPolicy ?? BurnRateAlertPolicy.ForSlo(slo);
    }

    /// <summary>The SLO.</summary>
    public Slo Slo { get; }

    /// <summary>Where its events come from.</summary>
    public PrometheusSli Sli { get; }

    /// <summary>The burn-rate alerts that watch it.</summary>
    public BurnRateAlertPolicy AlertPolicy { get; }

    /// <summary>The SLO as people say it: <c>checkout: 99.9% over 30d</c>.</summary>
    /// <returns>The SLO's description.</returns>
    public override string ToString() => Slo.ToString();
}
