using Hyperfit.Data.Brown;

namespace Hyperfit.Tests.Data.Brown;

public sealed class BrownDetaggerTests
{
    private static string Detag(string tagged) => BrownDetagger.Detag(tagged.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Should_drop_tags_and_attach_closing_punctuation()
    {
        // Given a sentence with commas, a period, a semicolon and a colon, when de-tagged,
        // then the tags are gone and no space precedes the punctuation
        Assert.Equal("The jury, which had charge: it said so; yes.",
            Detag("The/at jury/nn ,/, which/wdt had/hvd charge/nn :/: it/pps said/vbd so/rb ;/. yes/rb ./."));
    }

    [Fact]
    public void Should_turn_brown_double_quotes_into_plain_quotes_hugging_their_words()
    {
        // Given `` and '' around a phrase and punctuation outside the closing quote, when de-tagged,
        // then both become " with no space inside the quotes and the punctuation keeps its place
        Assert.Equal("He said \"no evidence\", then left.",
            Detag("He/pps said/vbd ``/`` no/at evidence/nn ''/'' ,/, then/rb left/vbd ./."));
    }

    [Fact]
    public void Should_attach_brackets_inward()
    {
        // Given parentheses and square brackets, when de-tagged, then no space after the opener or before the closer
        Assert.Equal("a car (a Ford) and [sic] more", Detag("a/at car/nn (/( a/at Ford/np )/) and/cc [/( sic/fw-rb ]/) more/ap"));
    }

    [Fact]
    public void Should_keep_one_of_the_repeated_sentence_final_marks()
    {
        // Given the corpus's doubled ; ? ! : at the end of sentences, when de-tagged, then each is kept once
        Assert.Equal("Why? Stop! Wait; Article 17:",
            Detag("Why/wrb ?/. ?/. Stop/vb !/. !/. Wait/vb ;/. ;/. Article/nn-tl 17/cd-tl :/. :/."));
    }

    [Fact]
    public void Should_keep_repeated_tokens_that_are_not_doubled_sentence_marks()
    {
        // Given an abbreviation followed by a period and a real repeated word, when de-tagged, then nothing is dropped
        Assert.Equal("Ivan Allen Jr.. that that", Detag("Ivan/np Allen/np Jr./np ./. that/cs that/dt"));
    }

    [Fact]
    public void Should_place_single_quotes_as_opening_or_closing()
    {
        // Given nested single quotes inside double quotes, and single-quoted words, when de-tagged,
        // then an opening ' hugs the next word and a closing ' hugs the previous one
        Assert.Equal("\"He said, 'You're mine'.\"", Detag("``/`` He/pps said/vbd ,/, '/' You're/ppss+ber mine/pp$$ '/' ./. ''/''"));
        Assert.Equal("more 'pro' letters than 'con'", Detag("more/ap '/' pro/jj '/' letters/nns than/in '/' con/jj '/'"));
    }

    [Fact]
    public void Should_keep_dashes_contractions_and_possessives_as_written()
    {
        // Given a dash, a contraction and possessives (single tokens in Brown), when de-tagged, then they are unchanged
        Assert.Equal("Teachers -- men who didn't -- came to Atlanta's boys' table",
            Detag("Teachers/nns --/-- men/nns who/wps didn't/dod* --/-- came/vbd to/in Atlanta's/np$ boys'/nns$ table/nn"));
    }

    [Fact]
    public void Should_write_inch_marks_as_a_double_quote_and_drop_the_stray_quote_after_them()
    {
        // Given an inch mark followed by the stray '' token the corpus files always add, when de-tagged,
        // then the measure reads 1/4" and the stray quote is gone
        Assert.Equal("a 1/4\" rod, 10\" tall", Detag("a/at 1/4''/nn ''/'' rod/nn ,/, 10''/nns ''/'' tall/jj"));
    }

    [Fact]
    public void Should_split_tokens_at_the_last_slash()
    {
        // Given a word containing a slash, when split, then the tag is what follows the last slash
        Assert.Equal(("1/2", "cd"), BrownDetagger.SplitToken("1/2/cd"));
        Assert.Throws<FormatException>(() => BrownDetagger.SplitToken("untagged"));
        Assert.Throws<FormatException>(() => BrownDetagger.SplitToken("word/"));
    }

    [Fact]
    public void Should_recognise_headline_lines()
    {
        // Given a line whose tags all carry -hl and one that does not, when checked, then only the first is a headline
        Assert.True(BrownDetagger.IsHeadline(["Merger/nn-hl", "proposed/vbn-hl"]));
        Assert.False(BrownDetagger.IsHeadline(["Merger/nn-hl", "proposed/vbn"]));
    }
}
