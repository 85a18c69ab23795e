using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Hyperfit.Annotation;

/// <summary>The one encoder every text on a page goes through: HTML-special characters escaped, letters of every
/// script left readable in the page source.</summary>
internal static class HtmlText
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => Encoder.Encode(text ?? "");
}
