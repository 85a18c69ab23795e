namespace Hyperfit.Evaluation;

/// <summary>Smoothing of zero n-gram precisions, named after nltk's <c>SmoothingFunction</c>.</summary>
public enum BleuSmoothing
{
    /// <summary>
    /// nltk's default (<c>method0</c>): a zero precision is replaced by <c>sys.float_info.min</c> (2.2250738585072014E-308)
    /// inside the logarithm, so the score is tiny but positive (each zero order multiplies it by about 1.2E-77).
    /// </summary>
    None = 0,

    /// <summary>nltk's <c>method1</c>: a zero numerator becomes epsilon = 0.1, i.e. p_n = 0.1 / (number of hypothesis n-grams).</summary>
    Method1 = 1,
}
