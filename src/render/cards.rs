//! Social cards: the 1200×630 PNG a link preview shows (`og:image`), drawn from a page's title,
//! its section and the site's title as an SVG and rasterised by resvg. The font is bundled
//! (DejaVu Sans Bold, `src/builtin/fonts/`), never looked up on the machine, so two machines
//! draw the same bytes.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::diagnostics::escape_html;
use crate::site::{Node, Site};

const FONT: &[u8] = include_bytes!("../builtin/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 630;
/// The left and right margin, and so the width a title line may take.
const MARGIN: f32 = 80.0;
/// Title sizes tried in turn until the title fits in `MAX_LINES`.
const TITLE_SIZES: [f32; 3] = [68.0, 58.0, 50.0];
const MAX_LINES: usize = 4;

/// What a card shows: equal texts, equal cards (a rebuild keeps a card whose text is equal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    pub site: String,
    pub title: String,
    /// A page's section's title, empty for a page of the front page; a section's card
    /// names no other (it is the section). A page is made again whenever its section's title
    /// changes, so its card can show it; a section is not when its parent's does.
    pub section: String,
}

impl CardText {
    /// The text of `node`'s card.
    pub fn of(site: &Site, node: Node) -> CardText {
        let section = match node {
            Node::Page(i) => Some(site.pages[i].section).filter(|&s| s != 0),
            Node::Section(_) => None,
        };
        CardText {
            site: site.config.title.clone(),
            title: site.doc(node).title.clone(),
            section: section.map_or_else(String::new, |s| site.sections[s].doc.title.clone()),
        }
    }
}

/// Draws cards; made once per build that has any to draw (loading the font database costs
/// more than one card).
pub struct CardPainter {
    options: usvg::Options<'static>,
}

impl Default for CardPainter {
    fn default() -> Self {
        let mut options = usvg::Options {
            font_family: FAMILY.to_string(),
            ..usvg::Options::default()
        };
        options
            .fontdb_mut()
            .load_font_source(usvg::fontdb::Source::Binary(Arc::new(FONT)));
        CardPainter { options }
    }
}

impl CardPainter {
    /// The PNG of a card.
    pub fn paint(&self, text: &CardText) -> anyhow::Result<Vec<u8>> {
        let svg = card_svg(text);
        let tree = usvg::Tree::from_str(&svg, &self.options)?;
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
            .ok_or_else(|| anyhow::anyhow!("cannot allocate a {WIDTH}×{HEIGHT} image"))?;
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        Ok(pixmap.encode_png()?)
    }
}

/// The card as SVG: the site's title at the top, the page's title wrapped to the width in the
/// middle, its section at the bottom above a bar.
fn card_svg(text: &CardText) -> String {
    let (size, lines) = fit_title(&text.title);
    let line_height = size * 1.18;
    let block = line_height * lines.len() as f32;
    // Centred between the site's title (ends near y=130) and the section (near y=520).
    let first_baseline = 325.0 - block / 2.0 + size * 0.9;
    let mut title = String::new();
    for (i, line) in lines.iter().enumerate() {
        let y = first_baseline + i as f32 * line_height;
        title.push_str(&format!(
            "<text x=\"{MARGIN}\" y=\"{y:.1}\" font-size=\"{size}\" fill=\"#ffffff\">{}</text>",
            escape_html(line)
        ));
    }
    let site = escape_html(&ellipsis(&text.site, 34.0, WIDTH as f32 - 2.0 * MARGIN));
    let section = escape_html(&ellipsis(&text.section, 38.0, WIDTH as f32 - 2.0 * MARGIN));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"{FAMILY}\" font-weight=\"bold\">\
<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#1d3557\"/>\
<rect x=\"0\" y=\"590\" width=\"{WIDTH}\" height=\"40\" fill=\"#a8dadc\"/>\
<text x=\"{MARGIN}\" y=\"110\" font-size=\"34\" fill=\"#a8dadc\">{site}</text>\
{title}\
<text x=\"{MARGIN}\" y=\"540\" font-size=\"38\" fill=\"#f1faee\">{section}</text>\
</svg>"
    )
}

/// The largest title size at which the title fits in `MAX_LINES` lines, with its lines; at the
/// smallest size, what does not fit ends in an ellipsis.
fn fit_title(title: &str) -> (f32, Vec<String>) {
    let width = WIDTH as f32 - 2.0 * MARGIN;
    for size in TITLE_SIZES {
        let lines = wrap(title, size, width);
        if lines.len() <= MAX_LINES {
            return (size, lines);
        }
    }
    let size = TITLE_SIZES[TITLE_SIZES.len() - 1];
    let mut lines = wrap(title, size, width);
    lines.truncate(MAX_LINES);
    let last = lines.pop().unwrap_or_default();
    lines.push(ellipsis(&format!("{last} …"), size, width));
    (size, lines)
}

/// `text` broken at spaces into lines no wider than `width` at `size` (a word wider than a
/// line stands alone on its line, cut short).
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || advance(&candidate, size) <= width {
            line = candidate;
        } else {
            lines.push(ellipsis(&std::mem::take(&mut line), size, width));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(ellipsis(&line, size, width));
    }
    lines
}

/// `text`, shortened with "…" until it fits `width` at `size`.
fn ellipsis(text: &str, size: f32, width: f32) -> String {
    if advance(text, size) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shortened: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if advance(&shortened, size) <= width {
            return shortened;
        }
    }
    "…".to_string()
}

/// How wide `text` is at `size` pixels in the bundled font (no kerning: a little wider than
/// drawn, which errs on the side of fitting).
fn advance(text: &str, size: f32) -> f32 {
    let Ok(font) = skrifa::FontRef::new(FONT) else {
        return 0.0;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            let glyph = charmap.map(c).unwrap_or_default();
            metrics.advance_width(glyph).unwrap_or(size * 0.6)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_within_the_card_and_stop_at_four_lines() {
        let width = WIDTH as f32 - 2.0 * MARGIN;
        let (size, lines) = fit_title("Partnerships");
        assert_eq!((size, lines.len()), (68.0, 1), "{lines:?}");
        let long = "word ".repeat(200);
        let (size, lines) = fit_title(&long);
        assert_eq!(size, 50.0);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(lines.last().unwrap().ends_with('…'));
        for line in &lines {
            assert!(advance(line, size) <= width, "{line}");
        }
        let unbroken = "x".repeat(300);
        assert!(advance(&wrap(&unbroken, 68.0, width)[0], 68.0) <= width);
    }

    #[test]
    fn a_card_is_a_1200_by_630_png_and_the_same_text_draws_the_same_bytes() {
        let painter = CardPainter::default();
        let text = CardText {
            site: "A <site> & more".into(),
            title: "Lionsgate and Runway: a custom model for video and VFX".into(),
            section: "Partnerships".into(),
        };
        let png = painter.paint(&text).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1200);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 630);
        assert_eq!(png, CardPainter::default().paint(&text).unwrap());
        let other = CardText {
            title: "Another title".into(),
            ..text
        };
        assert_ne!(png, painter.paint(&other).unwrap());
    }
}
