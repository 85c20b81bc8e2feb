//! What in a sentence is a claim that needs a source, and whom a sentence attributes it to:
//! the copy desk's heuristics, as plain functions of text. A claim is a direct quotation, a
//! figure (a number that is not a date, a time, an ordinal or part of a name like A24) or an
//! attribution verb. Each finding is a byte range of the sentence.

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

/// The attribution verbs (and `according to`) the copy desk looks for.
const VERBS: [&str; 5] = ["said", "confirmed", "announced", "noted", "reported"];
/// Verbs that make a source someone's words, which data cannot be.
const SPEECH: [&str; 3] = ["said", "confirmed", "announced"];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

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
        figure(sentence).map(|r| (Claim::Figure, r)),
        attribution_verb(sentence).map(|(r, _)| (Claim::Attribution, r)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(_, range)| range.start)
}

/// A span between double quotes (straight or curly) with a word inside.
fn quotation(sentence: &str) -> Option<Range<usize>> {
    let opening = sentence.find(['"', '\u{201c}'])?;
    let after = opening + sentence[opening..].chars().next()?.len_utf8();
    let closing = sentence[after..].find(['"', '\u{201d}'])? + after;
    sentence[after..closing]
        .chars()
        .any(char::is_alphanumeric)
        .then(|| opening..closing + sentence[closing..].chars().next().map_or(1, char::len_utf8))
}

/// The words of `sentence` with their ranges, split at anything but letters, digits and the
/// marks inside a word or number.
fn words(sentence: &str) -> Vec<(Range<usize>, &str)> {
    sentence
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(at, w)| (at..at + w.len(), w))
        .collect()
}

/// The first number that is a figure: not a year, a date, a time, an ordinal or part of a
/// name (A24, GPT-4).
fn figure(sentence: &str) -> Option<Range<usize>> {
    let words = words(sentence);
    let month = |i: usize| {
        words
            .get(i)
            .is_some_and(|(_, w)| MONTHS.contains(&w.to_lowercase().as_str()))
    };
    for (i, (range, word)) in words.iter().enumerate() {
        if !word.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let before = sentence[..range.start].chars().next_back();
        let part_of_name =
            before.is_some_and(|c| c.is_alphabetic() || matches!(c, '-' | '/' | ':' | '.'));
        let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
        let suffix = &word[digits.len()..].to_lowercase();
        let ordinal = ["st", "nd", "rd", "th"].contains(&suffix.as_str());
        let year = digits.len() == 4
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (1800..=2199).contains(&digits.parse::<u32>().unwrap_or(0));
        let after = &sentence[range.end..];
        let date_or_time =
            after.starts_with(['-', ':']) && after[1..].starts_with(|c: char| c.is_ascii_digit());
        let day = digits.len() <= 2 && (month(i.wrapping_sub(1)) || month(i + 1));
        if !(part_of_name || ordinal || year || date_or_time || day) {
            return Some(range.clone());
        }
    }
    None
}

/// The first attribution verb (or `according to`), and whether it is a verb of speech.
fn attribution_verb(sentence: &str) -> Option<(Range<usize>, bool)> {
    let words = words(sentence);
    words.iter().enumerate().find_map(|(i, (range, word))| {
        let lower = word.to_lowercase();
        if VERBS.contains(&lower.as_str()) {
            return Some((range.clone(), SPEECH.contains(&lower.as_str())));
        }
        let to = words
            .get(i + 1)
            .filter(|(_, w)| w.eq_ignore_ascii_case("to"))?;
        (lower == "according").then_some((range.start..to.0.end, false))
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
        } else if VERBS.contains(&lower.as_str()) {
            speech |= SPEECH.contains(&lower.as_str());
            if words.get(i + 1).is_some_and(|(_, w)| *w == "to") {
                names.push(name_from(i + 2));
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

    #[test]
    fn attributions_name_who_said_it() {
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
