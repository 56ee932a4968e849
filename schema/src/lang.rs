//! The six official UN languages, chosen per request (`Accept-Language`) or per field (`lang:`), falling back to
//! English where a text is not available in the language asked for.

use async_graphql::{Context, Enum};

/// An official language of the United Nations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum Lang {
    /// Arabic.
    Ar,
    /// Chinese.
    Zh,
    /// English.
    #[default]
    En,
    /// French.
    Fr,
    /// Russian.
    Ru,
    /// Spanish.
    Es,
}

impl Lang {
    /// The first language of an `Accept-Language` header that we serve, by quality; English when none is.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality =
                parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ar" => Lang::Ar,
                "zh" => Lang::Zh,
                "en" => Lang::En,
                "fr" => Lang::Fr,
                "ru" => Lang::Ru,
                "es" => Lang::Es,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The language of a field: its `lang` argument, else the request's.
    pub fn resolve(ctx: &Context<'_>, arg: Option<Lang>) -> Lang {
        arg.or_else(|| ctx.data_opt::<Lang>().copied()).unwrap_or_default()
    }
}

/// Picks the text in `lang` from the English and Chinese we hold, falling back to English.
pub fn pick<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    match lang {
        Lang::Zh if !zh.is_empty() => zh,
        _ => en,
    }
}

/// Like [`pick`] for texts that may be missing in either language; falls back to whichever exists.
pub fn pick_opt<'a>(lang: Lang, en: Option<&'a str>, zh: Option<&'a str>) -> Option<&'a str> {
    match lang {
        Lang::Zh => zh.or(en),
        _ => en.or(zh),
    }
}
