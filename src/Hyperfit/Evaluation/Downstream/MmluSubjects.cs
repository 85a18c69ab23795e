namespace Hyperfit.Evaluation.Downstream;

/// <summary>The 57 MMLU subjects with the subcategory and category the official code reports them under
/// (hendrycks/test <c>categories.py</c>: each subject has one subcategory; subcategories group into STEM, humanities,
/// social sciences and other). A subject outside this table (a user's own file) gets no category.</summary>
public static class MmluSubjects
{
    private static readonly Dictionary<string, string> SubcategoryOf = new(StringComparer.Ordinal)
    {
        ["abstract_algebra"] = "math", ["anatomy"] = "health", ["astronomy"] = "physics", ["business_ethics"] = "business",
        ["clinical_knowledge"] = "health", ["college_biology"] = "biology", ["college_chemistry"] = "chemistry",
        ["college_computer_science"] = "computer science", ["college_mathematics"] = "math", ["college_medicine"] = "health",
        ["college_physics"] = "physics", ["computer_security"] = "computer science", ["conceptual_physics"] = "physics",
        ["econometrics"] = "economics", ["electrical_engineering"] = "engineering", ["elementary_mathematics"] = "math",
        ["formal_logic"] = "philosophy", ["global_facts"] = "other", ["high_school_biology"] = "biology",
        ["high_school_chemistry"] = "chemistry", ["high_school_computer_science"] = "computer science",
        ["high_school_european_history"] = "history", ["high_school_geography"] = "geography",
        ["high_school_government_and_politics"] = "politics", ["high_school_macroeconomics"] = "economics",
        ["high_school_mathematics"] = "math", ["high_school_microeconomics"] = "economics", ["high_school_physics"] = "physics",
        ["high_school_psychology"] = "psychology", ["high_school_statistics"] = "math", ["high_school_us_history"] = "history",
        ["high_school_world_history"] = "history", ["human_aging"] = "health", ["human_sexuality"] = "culture",
        ["international_law"] = "law", ["jurisprudence"] = "law", ["logical_fallacies"] = "philosophy",
        ["machine_learning"] = "computer science", ["management"] = "business", ["marketing"] = "business",
        ["medical_genetics"] = "health", ["miscellaneous"] = "other", ["moral_disputes"] = "philosophy",
        ["moral_scenarios"] = "philosophy", ["nutrition"] = "health", ["philosophy"] = "philosophy", ["prehistory"] = "history",
        ["professional_accounting"] = "other", ["professional_law"] = "law", ["professional_medicine"] = "health",
        ["professional_psychology"] = "psychology", ["public_relations"] = "politics", ["security_studies"] = "politics",
        ["sociology"] = "culture", ["us_foreign_policy"] = "politics", ["virology"] = "health", ["world_religions"] = "philosophy",
    };

    /// <summary>Category names in the official code's order.</summary>
    public static readonly IReadOnlyList<string> Categories = ["STEM", "humanities", "social sciences", "other (business, health, misc.)"];

    private static readonly Dictionary<string, string> CategoryOfSubcategory = new(StringComparer.Ordinal)
    {
        ["physics"] = "STEM", ["chemistry"] = "STEM", ["biology"] = "STEM", ["computer science"] = "STEM", ["math"] = "STEM",
        ["engineering"] = "STEM",
        ["history"] = "humanities", ["philosophy"] = "humanities", ["law"] = "humanities",
        ["politics"] = "social sciences", ["culture"] = "social sciences", ["economics"] = "social sciences",
        ["geography"] = "social sciences", ["psychology"] = "social sciences",
        ["other"] = "other (business, health, misc.)", ["business"] = "other (business, health, misc.)",
        ["health"] = "other (business, health, misc.)",
    };

    /// <summary>Every known subject, sorted.</summary>
    public static IEnumerable<string> All => SubcategoryOf.Keys.Order(StringComparer.Ordinal);

    /// <summary>The subcategory of a known subject, else null.</summary>
    public static string? Subcategory(string subject) => SubcategoryOf.GetValueOrDefault(subject);

    /// <summary>The category of a known subject, else null.</summary>
    public static string? Category(string subject) =>
        SubcategoryOf.TryGetValue(subject, out var sub) ? CategoryOfSubcategory[sub] : null;
}
