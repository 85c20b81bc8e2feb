//! What in a sentence is a claim that needs a source, and whom a sentence attributes it to:
//! the copy desk's heuristics, as plain functions of text. A claim is a direct quotation (in
//! any quotation marks), a figure (`check::figures`) or an attribution verb in any form. Each
//! finding is a byte range of the sentence.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// What makes a sentence a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    Quotation,
    Figure,
    Attribution,
}

impl Claim {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Claim::Quotation => "a direct quotation",
            Claim::Figure => "a figure",
            Claim::Attribution => "an attribution",
        }
    }
}

/// The attribution verbs the copy desk looks for (and `according to`), each in every tense and
/// person: the lemma, its forms, and whether it says someone spoke (which data cannot do).
const VERBS: [(&str, [&str; 4], bool); 6] = [
    ("say", ["say", "says", "said", "saying"], true),
    (
        "confirm",
        ["confirm", "confirms", "confirmed", "confirming"],
        true,
    ),
    (
        "announce",
        ["announce", "announces", "announced", "announcing"],
        true,
    ),
    ("tell", ["tell", "tells", "told", "telling"], true),
    ("note", ["note", "notes", "noted", "noting"], false),
    (
        "report",
        ["report", "reports", "reported", "reporting"],
        false,
    ),
];

/// Words before which a form that is also a noun ("a report", "the notes") is one.
const DETERMINERS: [&str; 16] = [
    "a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my",
    "your", "each", "every",
];

/// Words that open what a verb of saying says: a clause, or what it names.
const OPENS_WHAT_IS_SAID: [&str; 21] = [
    "that", "a", "an", "the", "this", "these", "those", "its", "their", "his", "her", "no", "some",
    "any", "what", "how", "when", "where", "whether", "it", "they",
];

/// Whether `words[i]` is an attribution verb, and if so whether a verb of speech. Not a noun
/// ("the report", "a note") and not an imperative opening the sentence ("Note that ...").
fn verb_at(words: &[(Range<usize>, &str)], i: usize) -> Option<bool> {
    let lower = words[i].1.to_lowercase();
    let (lemma, _, speech) = VERBS
        .iter()
        .find(|(_, forms, _)| forms.contains(&lower.as_str()))?;
    let before = i
        .checked_sub(1)
        .map(|j| words[j].1.to_lowercase())
        .unwrap_or_default();
    // "note" and "report" (and with an s) are nouns too: a verb there says what, so the next
    // word opens what is said ("notes that", "reports no statement", "notes the trend").
    let noun_forms = [*lemma, &format!("{lemma}s")];
    if ["note", "report"].contains(lemma) && noun_forms.contains(&lower.as_str()) {
        let after = words
            .get(i + 1)
            .map(|(_, w)| w.to_lowercase())
            .unwrap_or_default();
        if DETERMINERS.contains(&before.as_str()) || !OPENS_WHAT_IS_SAID.contains(&after.as_str()) {
            return None;
        }
    }
    if i == 0 && lower == *lemma {
        return None;
    }
    Some(*speech)
}

/// Each sentence of `text`, as its range.
pub(super) fn sentences(text: &str) -> Vec<Range<usize>> {
    text.split_sentence_bound_indices()
        .map(|(at, sentence)| at..at + sentence.len())
        .collect()
}

/// The first claim of `sentence`, with where it is.
pub(super) fn first_claim(sentence: &str) -> Option<(Claim, Range<usize>)> {
    [
        quotation(sentence).map(|r| (Claim::Quotation, r)),
        super::figures::figure(sentence).map(|r| (Claim::Figure, r)),
        attribution_verb(sentence).map(|(r, _)| (Claim::Attribution, r)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(_, range)| range.start)
}

/// The quotation marks the copy desk reads, opening and closing: English double and single
/// (straight and curly), German low-high, guillemets either way round, single guillemets.
const QUOTES: [(char, char); 10] = [
    ('"', '"'),
    ('\u{201c}', '\u{201d}'),
    ('\u{201e}', '\u{201c}'),
    ('\u{201e}', '\u{201d}'),
    ('\u{ab}', '\u{bb}'),
    ('\u{bb}', '\u{ab}'),
    ('\u{2039}', '\u{203a}'),
    ('\'', '\''),
    ('\u{2018}', '\u{2019}'),
    ('\u{201a}', '\u{2018}'),
];

/// The first span between a pair of quotation marks with a word inside. A single quote is
/// also an apostrophe ("the studio's", "'90s", "the guilds' terms"), so it opens a quotation
/// only before a letter at the start of a word, and closes one only at the end of a word.
fn quotation(sentence: &str) -> Option<Range<usize>> {
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let single = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}');
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let opens = |i: usize| {
        let c = chars[i].1;
        !single(c)
            || (i
                .checked_sub(1)
                .and_then(at)
                .is_none_or(|b| !b.is_alphanumeric())
                && at(i + 1).is_some_and(char::is_alphabetic))
    };
    let closes = |i: usize| {
        let c = chars[i].1;
        !single(c)
            || (at(i + 1).is_none_or(|a| !a.is_alphanumeric())
                && i.checked_sub(1)
                    .and_then(at)
                    .is_some_and(|b| !b.is_whitespace()))
    };
    chars.iter().enumerate().find_map(|(i, &(start, open))| {
        if !opens(i) {
            return None;
        }
        let closers: Vec<char> = QUOTES
            .iter()
            .filter(|(o, _)| *o == open)
            .map(|(_, c)| *c)
            .collect();
        if closers.is_empty() {
            return None;
        }
        let j = (i + 1..chars.len()).find(|&j| closers.contains(&chars[j].1) && closes(j))?;
        let (end, close) = chars[j];
        sentence[start + open.len_utf8()..end]
            .chars()
            .any(char::is_alphanumeric)
            .then(|| start..end + close.len_utf8())
    })
}

/// The words of `sentence` with their ranges, split at anything but letters, digits and the
/// marks inside a word or number.
pub(super) fn words(sentence: &str) -> Vec<(Range<usize>, &str)> {
    sentence
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(at, w)| (at..at + w.len(), w))
        .collect()
}

/// The first attribution verb (or `according to`), and whether it is a verb of speech.
fn attribution_verb(sentence: &str) -> Option<(Range<usize>, bool)> {
    let words = words(sentence);
    words.iter().enumerate().find_map(|(i, (range, word))| {
        if let Some(speech) = verb_at(&words, i) {
            return Some((range.clone(), speech));
        }
        let to = words
            .get(i + 1)
            .filter(|(_, w)| w.eq_ignore_ascii_case("to"))?;
        word.eq_ignore_ascii_case("according")
            .then_some((range.start..to.0.end, false))
    })
}

/// Whom `sentence` attributes its claim to: the capitalised names after `according to` or `to`
/// (a publisher: "confirmed to Wired") and before a verb ("Sophia Shin also said"), each as
/// its words; and whether a verb of speech says someone spoke.
pub(super) fn attributed_to(sentence: &str) -> (Vec<Vec<String>>, bool) {
    let words = words(sentence);
    let capitalised = |w: &str| w.starts_with(char::is_uppercase);
    let name_from = |mut i: usize| {
        let mut name = Vec::new();
        if words
            .get(i)
            .is_some_and(|(_, w)| w.eq_ignore_ascii_case("the"))
        {
            i += 1;
        }
        while let Some((range, w)) = words.get(i).filter(|(_, w)| capitalised(w)) {
            // A name runs over spaces only: "According to Wired, Lionsgate" names Wired.
            let joined = i == 0 || sentence[words[i - 1].0.end..range.start].trim().is_empty();
            if !name.is_empty() && !joined {
                break;
            }
            name.push(w.to_string());
            i += 1;
        }
        name
    };
    let mut names = Vec::new();
    let mut speech = false;
    for (i, (_, word)) in words.iter().enumerate() {
        let lower = word.to_lowercase();
        if lower == "according" && words.get(i + 1).is_some_and(|(_, w)| *w == "to") {
            names.push(name_from(i + 2));
        } else if let Some(spoke) = verb_at(&words, i) {
            speech |= spoke;
            if words.get(i + 1).is_some_and(|(_, w)| *w == "to") {
                names.push(name_from(i + 2));
            }
            // "told Wired": whom someone told is where it was published.
            if ["tell", "tells", "told", "telling"].contains(&lower.as_str()) {
                names.push(name_from(i + 1));
            }
            let mut j = i;
            if j > 0 && words[j - 1].1.eq_ignore_ascii_case("also") {
                j -= 1;
            }
            let mut name = Vec::new();
            let spaced = |j: usize| {
                sentence[words[j - 1].0.end..words[j].0.start]
                    .trim()
                    .is_empty()
            };
            while j > 0 && capitalised(words[j - 1].1) && spaced(j) {
                j -= 1;
                name.insert(0, words[j].1.to_string());
            }
            if name.first().is_some_and(|w| w == "The") {
                name.remove(0);
            }
            names.push(name);
        }
    }
    names.retain(|name| !name.is_empty());
    (names, speech)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(sentence: &str) -> Option<(Claim, &str)> {
        first_claim(sentence).map(|(c, r)| (c, &sentence[r]))
    }

    #[test]
    fn claims_are_found() {
        assert_eq!(
            claim("The studio called it \"side-by-side\" work."),
            Some((Claim::Quotation, "\"side-by-side\""))
        );
        assert_eq!(
            claim("It was \u{201c}a first\u{201d}, they wrote."),
            Some((Claim::Quotation, "\u{201c}a first\u{201d}"))
        );
        assert_eq!(
            claim("Revenue rose 12% last year."),
            Some((Claim::Figure, "12"))
        );
        assert_eq!(claim("It cost $1.5 billion."), Some((Claim::Figure, "1.5")));
        assert_eq!(
            claim("About 300 people work there."),
            Some((Claim::Figure, "300"))
        );
        assert_eq!(
            claim("Lionsgate announced a deal."),
            Some((Claim::Attribution, "announced"))
        );
        assert_eq!(
            claim("According to the studio, it is research."),
            Some((Claim::Attribution, "According to"))
        );
    }

    #[test]
    fn dates_ordinals_names_and_plain_text_are_not_claims() {
        for sentence in [
            "The guilds secured protections after the 2023 strikes.",
            "It was published on 2026-11-24 at 10:00.",
            "On 24 November the studio met again; on November 25 it did not.",
            "This is the 2nd partnership and the 21st century's question.",
            "A24 works with Google on GPT-4 style models.",
            "The studio characterizes the partnership as research.",
            "The deal's terms were not disclosed.",
            "It's the studio's own word, not a quotation.",
        ] {
            assert_eq!(claim(sentence), None, "{sentence}");
        }
    }

    /// Claims a first version missed: every tense and person of the attribution verbs, and
    /// quotations in single quotes, guillemets and other languages' marks.
    #[test]
    fn claims_in_every_form_are_found() {
        let cases = [
            (
                "Runway says it will build a model.",
                Claim::Attribution,
                "says",
            ),
            (
                "The studio announces a partnership.",
                Claim::Attribution,
                "announces",
            ),
            (
                "Sophia Shin told Wired it is research.",
                Claim::Attribution,
                "told",
            ),
            ("Executives say the tools help.", Claim::Attribution, "say"),
            (
                "Lionsgate is confirming the deal.",
                Claim::Attribution,
                "confirming",
            ),
            (
                "The MPA reports that tools are standard.",
                Claim::Attribution,
                "reports",
            ),
            (
                "Wired, noting the trend, asked.",
                Claim::Attribution,
                "noting",
            ),
            ("She tells everyone it works.", Claim::Attribution, "tells"),
            ("It was reported late.", Claim::Attribution, "reported"),
            (
                "The studio called it 'a first'.",
                Claim::Quotation,
                "'a first'",
            ),
            (
                "The studio called it 'side-by-side' work.",
                Claim::Quotation,
                "'side-by-side'",
            ),
            (
                "The studio called it \u{2018}a first\u{2019}.",
                Claim::Quotation,
                "\u{2018}a first\u{2019}",
            ),
            (
                "Le studio parle d\u{2019}\u{ab} une premi\u{e8}re \u{bb}.",
                Claim::Quotation,
                "\u{ab} une premi\u{e8}re \u{bb}",
            ),
            (
                "Es war \u{bb}ein Test\u{ab} f\u{fc}r alle.",
                Claim::Quotation,
                "\u{bb}ein Test\u{ab}",
            ),
            (
                "Es war \u{201e}ein Test\u{201c} f\u{fc}r alle.",
                Claim::Quotation,
                "\u{201e}ein Test\u{201c}",
            ),
            (
                "It was \u{2039}new\u{203a} work.",
                Claim::Quotation,
                "\u{2039}new\u{203a}",
            ),
        ];
        for (sentence, kind, found) in cases {
            assert_eq!(claim(sentence), Some((kind, found)), "{sentence}");
        }
    }

    /// Figures in words, and amounts with units and currencies.
    #[test]
    fn figures_in_every_form_are_found() {
        let cases = [
            ("Revenue rose by two million.", Claim::Figure, "two"),
            ("Forty percent of studios use it.", Claim::Figure, "Forty"),
            ("It fell five per cent.", Claim::Figure, "five"),
            ("It reached forty-two studios.", Claim::Figure, "forty"),
            ("Millions of viewers watched.", Claim::Figure, "Millions"),
            (
                "A dozen studios and three hundred staff joined.",
                Claim::Figure,
                "three",
            ),
            ("The studio raised $10M.", Claim::Figure, "10M"),
            ("Sales reached 10m units.", Claim::Figure, "10m"),
            ("Google paid Runway 40 percent more.", Claim::Figure, "40"),
            ("About 300 people work there.", Claim::Figure, "300"),
        ];
        for (sentence, kind, found) in cases {
            assert_eq!(claim(sentence), Some((kind, found)), "{sentence}");
        }
    }

    /// Text that looks like a claim and is not: numbers that are names or references, nouns
    /// spelled like the verbs, an imperative, apostrophes, and number words that are no figure.
    #[test]
    fn names_nouns_and_apostrophes_are_not_claims() {
        for sentence in [
            "The film uses 3D effects and 4K video over 5G.",
            "Section 230 shields platforms.",
            "It falls under Section 230 of the act.",
            "Title 17 and Article 5 apply to it.",
            "See chapter 3 and page 12 of the agreement.",
            "The studio released Episode 4 and Apollo 11 remastered.",
            "Note that the deal is new.",
            "Read the first note about the deal.",
            "See [the report](/x/) and its notes.",
            "Two reports were filed.",
            "The report covers the deal.",
            "Its notes are public, as are the reports.",
            "Say what the studio does.",
            "The studios' terms and the guild's rules apply.",
            "Films from the '90s are back in the studio\u{2019}s plans.",
            "One of the studios joined the two guilds.",
            "It is a ten-minute read for one person.",
        ] {
            assert_eq!(claim(sentence), None, "{sentence}");
        }
    }

    #[test]
    fn attributions_name_who_said_it() {
        let (names, speech) = attributed_to("Sophia Shin told Wired it is research.");
        assert_eq!(names, [vec!["Wired"], vec!["Sophia", "Shin"]]);
        assert!(speech);
        let (names, speech) =
            attributed_to("According to Sophia Shin, the collaboration is research.");
        assert_eq!(names, [vec!["Sophia", "Shin"]]);
        assert!(!speech);
        let (names, speech) =
            attributed_to("Sophia Shin also confirmed to Wired that it is research.");
        assert_eq!(names, [vec!["Wired"], vec!["Sophia", "Shin"]]);
        assert!(speech);
        let (names, _) = attributed_to("According to Wired, Lionsgate builds a model.");
        assert_eq!(names, [vec!["Wired"]]);
        let (names, _) = attributed_to("The Guardian reported it first.");
        assert_eq!(names, [vec!["Guardian"]]);
        let (names, _) = attributed_to("The studio said it is research.");
        assert!(names.is_empty(), "{names:?}");
        let (names, _) = attributed_to("According to the article, it is research.");
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn sentences_split_at_their_ends() {
        let text = "One claim. Another one! A third?";
        let parts: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["One claim. ", "Another one! ", "A third?"]);
    }
}
