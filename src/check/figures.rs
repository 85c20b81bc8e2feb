//! Figures, for the copy desk: a number in digits or in words that states an amount, told
//! apart from the numbers that are dates, times, ordinals, decades or names.

use std::ops::Range;

use super::claims::words;

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

/// The first number that is a figure: written in digits (not a year, a date, a time, an
/// ordinal or part of a name such as A24, 3D or Section 230) or in words ("two million",
/// "forty percent", "forty-two").
pub(super) fn figure(sentence: &str) -> Option<Range<usize>> {
    let words = words(sentence);
    let in_digits = words.iter().enumerate().find(|(i, (range, word))| {
        word.starts_with(|c: char| c.is_ascii_digit()) && is_figure(sentence, &words, *i, range)
    });
    let in_words = (0..words.len()).find(|&i| spelled_out(&words, i));
    match (in_digits.map(|(i, _)| i), in_words) {
        (Some(a), Some(b)) => Some(words[a.min(b)].0.clone()),
        (a, b) => a.or(b).map(|i| words[i].0.clone()),
    }
}

/// Whether the number `words[i]` (at `range`, starting with a digit) is a figure.
fn is_figure(
    sentence: &str,
    words: &[(Range<usize>, &str)],
    i: usize,
    range: &Range<usize>,
) -> bool {
    let word = words[i].1;
    let month = |i: usize| {
        words
            .get(i)
            .is_some_and(|(_, w)| MONTHS.contains(&w.to_lowercase().as_str()))
    };
    let before = sentence[..range.start].chars().next_back();
    let currency = before.is_some_and(|c| matches!(c, '$' | '\u{20ac}' | '\u{a3}' | '\u{a5}'));
    let part_of_name =
        before.is_some_and(|c| c.is_alphabetic() || matches!(c, '-' | '/' | ':' | '.'));
    let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
    let suffix = &word[digits.len()..];
    let ordinal = ["st", "nd", "rd", "th"].contains(&suffix.to_lowercase().as_str());
    // The '90s, the 1990s: a decade.
    let decade = suffix == "s" && digits.ends_with('0');
    // 3D, 4K, 5G, 2FA: a name; 10m, 5bn, 300k: units of a figure.
    let named_by_letters = suffix.starts_with(char::is_uppercase) && !currency;
    let year = digits.len() == 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (1800..=2199).contains(&digits.parse::<u32>().unwrap_or(0));
    let after = &sentence[range.end..];
    let date_or_time =
        after.starts_with(['-', ':']) && after[1..].starts_with(|c: char| c.is_ascii_digit());
    let day = digits.len() <= 2 && (month(i.wrapping_sub(1)) || month(i + 1));
    let scaled = words.get(i + 1).is_some_and(|(_, w)| is_scale(w))
        || percent_at(words, i + 1)
        || after.starts_with('%');
    // Section 230, Title 17, Apollo 11: a number naming what the word before it is. Not the
    // sentence's first word ("About 300"), and not an amount ("Google $300 million").
    let designated = i > 0
        && !currency
        && !scaled
        && (DESIGNATORS.contains(&words[i - 1].1.to_lowercase().as_str())
            || (i > 1 && words[i - 1].1.starts_with(char::is_uppercase) && !month(i - 1)));
    !(part_of_name
        || ordinal
        || decade
        || named_by_letters
        || year
        || date_or_time
        || day
        || designated)
}

/// Words before a number that make it a name or a reference, not a figure.
const DESIGNATORS: [&str; 24] = [
    "section",
    "article",
    "title",
    "chapter",
    "part",
    "clause",
    "rule",
    "page",
    "figure",
    "table",
    "episode",
    "season",
    "volume",
    "issue",
    "version",
    "no",
    "number",
    "item",
    "step",
    "phase",
    "paragraph",
    "appendix",
    "amendment",
    "footnote",
];

const UNITS: [&str; 19] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn is_scale(word: &str) -> bool {
    let lower = word.to_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    [
        "hundred", "thousand", "million", "billion", "trillion", "dozen",
    ]
    .contains(&singular)
}

/// Whether `words[j]` says percent: "percent", "percentage" or "per cent".
fn percent_at(words: &[(Range<usize>, &str)], j: usize) -> bool {
    let word = |j: usize| {
        words
            .get(j)
            .map(|(_, w)| w.to_lowercase())
            .unwrap_or_default()
    };
    ["percent", "percentage"].contains(&word(j).as_str())
        || (word(j) == "per" && word(j + 1) == "cent")
}

/// Whether `words[i]` starts a figure written in words: a tens word (forty, forty-two), a
/// number word before a scale or percent ("two million", "five percent", "a dozen" aside), or
/// a scale in the plural before "of" ("millions of"). A word like "one" or "two" alone is
/// left out: "one of the studios" is no figure.
fn spelled_out(words: &[(Range<usize>, &str)], i: usize) -> bool {
    let lower = words[i].1.to_lowercase();
    let first = lower.split('-').next().unwrap_or("");
    let number = UNITS.contains(&first) || TENS.contains(&first);
    let next = words.get(i + 1).map(|(_, w)| *w).unwrap_or("");
    (TENS.contains(&first)
        && !words
            .get(i.wrapping_sub(1))
            .is_some_and(|(_, w)| TENS.contains(&w.to_lowercase().as_str())))
        || (number && (is_scale(next) || percent_at(words, i + 1)))
        || (is_scale(&lower) && lower.ends_with('s') && next.eq_ignore_ascii_case("of"))
}
