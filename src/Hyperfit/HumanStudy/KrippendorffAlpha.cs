namespace Hyperfit.HumanStudy;

/// <summary>
/// Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): any
/// number of coders per unit, missing values allowed, so items with fewer or more than three annotations take part.
/// α = 1 − D_o / D_e. Per unit u with m_u ≥ 2 values (units with fewer are not pairable and are left out) and n_uc of
/// them in category c, the coincidences give D_o ∝ Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1); with n_c = Σ_u n_uc and
/// n = Σ_c n_c, D_e ∝ (n² − Σ_c n_c²) / (n − 1); so α = 1 − (n − 1) Σ_u (…) / (n² − Σ_c n_c²).
/// </summary>
public static class KrippendorffAlpha
{
    /// <summary>Nominal α over <paramref name="units"/>, each the list of values its coders gave; null when undefined
    /// (fewer than two pairable values, or every pairable value in one category: no expected disagreement).</summary>
    public static double? Nominal<T>(IEnumerable<IReadOnlyList<T>> units)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(units);
        var categoryTotals = new Dictionary<T, double>();
        var observed = 0.0;
        foreach (var unit in units)
        {
            ArgumentNullException.ThrowIfNull(unit, nameof(units));
            if (unit.Count < 2)
            {
                continue;
            }

            var inUnit = unit.GroupBy(v => v).Select(g => (g.Key, Count: (double)g.Count())).ToList();
            double m = unit.Count;
            observed += (m * m - inUnit.Sum(c => c.Count * c.Count)) / (m - 1);
            foreach (var (category, count) in inUnit)
            {
                categoryTotals[category] = categoryTotals.GetValueOrDefault(category) + count;
            }
        }

        var n = categoryTotals.Values.Sum();
        var expected = n * n - categoryTotals.Values.Sum(c => c * c);
        return n < 2 || expected <= 0 ? null : 1 - (n - 1) * observed / expected;
    }
}
