//! `DejaVu Sans` (regular and bold), compiled into the binary: the font of every generated PDF.
//!
//! It covers Latin (with Latin Extended), Greek and Cyrillic, that is every script of the 24
//! official languages of the EU, so a passenger's name prints as typed. A character outside
//! those scripts would print as an empty box (Chinese) or wrongly (Arabic, Hebrew: no shaping,
//! no right-to-left): names are checked with [`covers`] when they are entered (the claim
//! wizard's passenger step refuses them, naming the characters), so none reaches a document.
//!
//! The files and their licence are in `assets/fonts/` (Debian `fonts-dejavu-core`).

use std::sync::LazyLock;

use ttf_parser::{Face as TtfFace, GlyphId};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces a document can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

static PARSED: LazyLock<[TtfFace<'static>; 2]> = LazyLock::new(|| {
    let parse = |data| TtfFace::parse(data, 0).expect("embedded DejaVu Sans parses");
    [parse(REGULAR_TTF), parse(BOLD_TTF)]
});

impl Face {
    pub const ALL: [Face; 2] = [Face::Regular, Face::Bold];

    pub(crate) fn ttf(self) -> &'static TtfFace<'static> {
        &PARSED[self.index()]
    }

    pub(crate) fn data(self) -> &'static [u8] {
        match self {
            Self::Regular => REGULAR_TTF,
            Self::Bold => BOLD_TTF,
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Self::Regular => 0,
            Self::Bold => 1,
        }
    }

    /// PostScript name of the face (before the subset tag).
    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            Self::Regular => "DejaVuSans",
            Self::Bold => "DejaVuSans-Bold",
        }
    }

    /// Glyph of `c`; `.notdef` (0) when the font lacks it.
    pub(crate) fn glyph(self, c: char) -> u16 {
        self.ttf().glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance width of glyph `gid` in 1/1000 em.
    pub(crate) fn glyph_width(self, gid: u16) -> f32 {
        let face = self.ttf();
        let advance = face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0);
        f32::from(advance) * 1000.0 / f32::from(face.units_per_em())
    }

    /// Advance width of `c` in 1/1000 em.
    pub fn width(self, c: char) -> f32 {
        self.glyph_width(self.glyph(c))
    }

    /// Width of `s` at `size` points.
    pub fn text_width(self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.width(c)).sum::<f32>() * size / 1000.0
    }
}

/// The Unicode blocks documents draw: Latin (with Latin-1, Extended-A/B and Additional),
/// spacing modifiers and combining diacritics, Greek (and Greek Extended), Cyrillic (and its
/// supplement), punctuation, currency symbols, letterlike symbols and arrows. `DejaVu Sans` has
/// glyphs for other scripts too (Arabic, Hebrew, Georgian…), but right-to-left and joining
/// scripts need shaping that [`crate::pdf`] does not do, so they are not drawable.
const DRAWABLE: [(char, char); 9] = [
    ('\u{20}', '\u{24F}'),
    ('\u{2B0}', '\u{36F}'),
    ('\u{370}', '\u{3FF}'),
    ('\u{400}', '\u{52F}'),
    ('\u{1E00}', '\u{1EFF}'),
    ('\u{1F00}', '\u{1FFF}'),
    ('\u{2000}', '\u{20CF}'),
    ('\u{2100}', '\u{214F}'),
    ('\u{2190}', '\u{21FF}'),
];

/// Whether documents can draw `c`: in a [`DRAWABLE`] block and in both faces (whitespace and
/// control characters count as drawable: lines are split on them before drawing).
pub fn covers(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || (DRAWABLE.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
            && Face::ALL.iter().all(|f| f.ttf().glyph_index(c).is_some()))
}

/// The characters of `s` the font cannot draw, each once, in order of appearance.
pub fn missing_chars(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in s.chars() {
        if !covers(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_the_scripts_of_the_eu_languages() {
        for s in [
            "ŁąśćźżńóęĄŚĆŹŻŃÓĘ",
            "ěščřžýáíéůúťďňĚŠČŘŽÝÁÍÉŮÚŤĎŇ",
            "ľĺŕôäĽĹŔÔÄ",
            "őűŐŰ",
            "ăâîșțĂÂÎȘȚşţ",
            "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ",
            "ąčęėįšųūžĄČĘĖĮŠŲŪŽ",
            "õäöüšžÕÄÖÜŠŽ",
            "ċġħżĊĠĦŻ",
            "áéíóúÁÉÍÓÚ",
            "åäöÅÄÖæøÆØ",
            "ßüÜ",
            "àâçèéêëîïôùûüÿœæŒÆ«»’…€",
            "ñÑ¿¡ãõÃÕ",
            "ΑαΒβΓγΔδΕεΖζΗηΘθΙιΚκΛλΜμΝνΞξΟοΠπΡρΣσςΤτΥυΦφΧχΨψΩωάέήίόύώΐΰϊϋ",
            "АаБбВвГгДдЕеЖжЗзИиЙйКкЛлМмНнОоПпРрСсТтУуФфХхЦцЧчШшЩщЪъЬьЮюЯя",
            "→",
        ] {
            assert_eq!(missing_chars(s), Vec::<char>::new(), "{s}");
        }
    }

    #[test]
    fn reports_what_it_cannot_draw() {
        assert_eq!(missing_chars("王小明 Wang"), vec!['王', '小', '明']);
        assert!(!covers('😀'));
        // In `DejaVu Sans`, but right-to-left and joined: not drawn without shaping.
        assert_eq!(missing_chars("محمد"), vec!['م', 'ح', 'د']);
        assert!(!covers('ש'));
        assert!(covers('\u{202F}'));
    }

    #[test]
    fn widths_come_from_the_font() {
        assert!(Face::Regular.width('W') > Face::Regular.width('i'));
        assert!(Face::Bold.width('a') >= Face::Regular.width('a'));
        assert!(
            (Face::Regular.text_width("ab", 10.0) - Face::Regular.text_width("ab", 20.0) / 2.0)
                .abs()
                < 1e-3
        );
    }
}
