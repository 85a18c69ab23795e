using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class KrippendorffAlphaTests
{
    [Fact]
    public void Should_match_krippendorffs_example_with_missing_values()
    {
        // Given Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example with missing data:
        // 4 observers × 12 units, values 1–5 (unit 12 has one value: not pairable).
        int?[][] observers =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        var units = Enumerable.Range(0, 12)
            .Select(u => (IReadOnlyList<int>)observers.Where(o => o[u] is not null).Select(o => o[u]!.Value).ToList()).ToList();

        // When
        var alpha = KrippendorffAlpha.Nominal(units);

        // Then by hand: n = 40 pairable values, n_c = 9, 13, 10, 5, 3 → Σ n_c² = 384; Σ_u (m² − Σ n_uc²)/(m − 1) is
        // non-zero only for units 2, 6 and 8: (16 − 10)/3 + (16 − 4)/3 + (16 − 10)/3 = 2 + 4 + 2 = 8;
        // α = 1 − 39 · 8 / (1600 − 384) = 0.743, the published value
        Assert.Equal(0.7434, alpha!.Value, 4);
    }

    [Fact]
    public void Should_match_krippendorffs_two_observer_binary_example()
    {
        // Given Krippendorff (2011), binary example: two observers, ten units, no missing data
        int[] a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        int[] b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];

        // When
        var alpha = KrippendorffAlpha.Nominal(a.Zip(b, (x, y) => (IReadOnlyList<int>)[x, y]));

        // Then by hand: 14 zeros and 6 ones; 4 disagreeing units each add (4 − 2)/1 = 2;
        // α = 1 − 19 · 8 / (20² − 14² − 6²) = 1 − 152/168 = 0.095, the published value
        Assert.Equal(0.0952, alpha!.Value, 4);
    }

    [Fact]
    public void Should_be_undefined_with_a_single_category_or_no_pairable_unit()
    {
        // Given / When / Then
        Assert.Null(KrippendorffAlpha.Nominal<string>([["x", "x"], ["x", "x", "x"]]));
        Assert.Null(KrippendorffAlpha.Nominal<string>([["x"], ["y"]]));
        Assert.Equal(1.0, KrippendorffAlpha.Nominal<string>([["x", "x"], ["y", "y", "y"]])!.Value, 12);
    }
}
