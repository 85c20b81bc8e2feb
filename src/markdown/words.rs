//! Counting words, on every text event of every page.

/// The number of words in `text`, as `text.split_whitespace().count()`. It runs on every text
/// event of every page (a few dozen bytes each), so it counts eight bytes at a time: a word
/// starts where a non-space follows a space, and every byte of a non-ASCII character counts as
/// a non-space. Only text holding one of Unicode's own spaces (U+00A0 and the like, rare) is
/// counted again by `split_whitespace`.
pub(super) fn count_words(text: &str) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte set where that byte is ASCII whitespace (char::is_whitespace
    // in ASCII: \t \n \x0b \x0c \r and the space). Worked out on the low seven bits, so
    // no sum or difference carries into the next byte; bytes of 0x80 and up are not spaces.
    let spaces = |x: u64| {
        let low7 = x & !HIGH;
        let space_char = !(((low7 ^ (b' ' as u64 * LOW)) | HIGH) - LOW) & HIGH;
        let from_tab = low7 + 0x77 * LOW;
        let after_cr = low7 + 0x72 * LOW;
        (space_char | (from_tab & !after_cr & HIGH)) & !(x & HIGH)
    };
    let unicode_spaces = || text.chars().any(|c| !c.is_ascii() && c.is_whitespace());
    // How many bytes have their high bit set in `starts` (which has no other bits): each byte
    // shifted down to 0 or 1 and all eight summed into the top byte by one multiplication.
    // `count_ones` would do, but without the POPCNT instruction (not in baseline x86-64) it
    // costs a dozen instructions.
    let count = |starts: u64| ((starts >> 7).wrapping_mul(LOW) >> 56) as usize;
    let bytes = text.as_bytes();
    let load = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    if bytes.len() < 8 {
        // Padded with spaces, which start no word.
        let mut padded = [b' '; 8];
        for (slot, &byte) in padded.iter_mut().zip(bytes) {
            *slot = byte;
        }
        let x = u64::from_le_bytes(padded);
        if x & HIGH != 0 && unicode_spaces() {
            return text.split_whitespace().count();
        }
        let here = spaces(x);
        return count(((here << 8) | 0x80) & !here & HIGH);
    }
    let mut words = 0;
    let mut any_high = 0;
    // 0x80 when the byte before the current chunk is a space (the start of the text is).
    let mut space_before = 0x80;
    let whole = bytes.len() / 8 * 8;
    for at in (0..whole).step_by(8) {
        let x = load(at);
        any_high |= x;
        let here = spaces(x);
        words += count(((here << 8) | space_before) & !here & HIGH);
        space_before = here >> 56;
    }
    let rest = bytes.len() - whole;
    if rest > 0 {
        // The last eight bytes, overlapping the chunk before: every byte of the rest has the
        // byte before it in the same word, and only the rest's bytes are counted.
        let x = load(bytes.len() - 8);
        any_high |= x;
        let here = spaces(x);
        let counted = HIGH & (u64::MAX << (8 * (8 - rest)));
        words += count((here << 8) & !here & counted);
    }
    if any_high & HIGH != 0 && unicode_spaces() {
        return text.split_whitespace().count();
    }
    words
}

#[cfg(test)]
mod tests {
    use super::count_words;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "one",
            " two  words ",
            "tab\tnew\nline\r\x0bvt\x0cff",
            "non\u{a0}breaking\u{2003}em\u{3000}ideographic",
            "café naïve 日本語 — dash",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_agrees_with_split_whitespace(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn mixed_word_count_agrees_with_split_whitespace(
            text in "[ \t\na-z\u{a0}\u{85}\u{2003}\u{3000}\u{1680}é—’あ😀]{0,80}"
        ) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }

        #[test]
        fn ascii_word_count_agrees_with_split_whitespace(
            text in "[ \t\n\r\x0B\x0C\x1F!a-z~\x7F]{0,80}"
        ) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }
}
