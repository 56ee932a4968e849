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
    /// The BCP 47 code, as sent in `Content-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }

    /// The language texts are served in when `self` is asked for: the languages we hold texts in, else English.
    pub fn served(self) -> Lang {
        match self {
            Lang::Zh => Lang::Zh,
            _ => Lang::En,
        }
    }

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
        arg.or_else(|| crate::RequestData::of(ctx).map(|d| d.lang)).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_quality_served_language_wins() {
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("de-DE, fr;q=0.5, en;q=0.7"), Lang::En);
        assert_eq!(Lang::from_accept_language("es;q=0.2, ar"), Lang::Ar);
    }

    #[test]
    fn unknown_or_refused_languages_fall_back_to_english() {
        assert_eq!(Lang::from_accept_language("de, ja"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh;q=0"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn missing_translations_fall_back_to_english_then_to_what_exists() {
        assert_eq!(pick(Lang::Fr, "Nepal", "尼泊尔"), "Nepal");
        assert_eq!(pick(Lang::Zh, "Nepal", "尼泊尔"), "尼泊尔");
        assert_eq!(pick_opt(Lang::En, None, Some("标题")), Some("标题"));
        assert_eq!(pick_opt(Lang::Zh, Some("Title"), None), Some("Title"));
    }
}
