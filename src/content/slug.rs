//! URL segments and heading ids from free text.

pub use crate::paths::slugify;

/// A slug written in front matter must stay one URL segment inside the output.
pub fn validate_slug(slug: &str) -> Result<String, String> {
    if slug.contains(['/', '\\'])
        || slug
            .split('.')
            .any(|part| part.is_empty() && slug.contains(".."))
    {
        return Err(format!(
            "the slug `{slug}` would write outside its section (it contains a path separator or `..`)"
        ));
    }
    let clean = slugify(slug);
    if clean.is_empty() {
        return Err(format!("the slug `{slug}` has no letters or digits"));
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("What Was Not Disclosed?"), "what-was-not-disclosed");
        assert_eq!(slugify("A24 — Google"), "a24-google");
        assert_eq!(slugify("  --Café  crème-- "), "cafe-creme");
        assert_eq!(slugify("WGA & SAG-AFTRA"), "wga-sag-aftra");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn a_dot_alone_is_fine_and_two_are_a_way_out() {
        for fine in ["v1.2", ".well", "end.", "a.b.c"] {
            assert!(validate_slug(fine).is_ok(), "{fine}");
        }
        for escaping in ["..", "a..b", "../x", "a/b", "a\\b"] {
            assert!(validate_slug(escaping).is_err(), "{escaping}");
        }
    }

    #[test]
    fn slug_validation() {
        assert!(validate_slug("../../etc").is_err());
        assert!(validate_slug("a/b").is_err());
        assert!(validate_slug("a\\b").is_err());
        assert!(validate_slug("..").is_err());
        assert!(validate_slug("???").is_err());
        assert_eq!(validate_slug("My Page").unwrap(), "my-page");
        assert_eq!(validate_slug("v1.2").unwrap(), "v1-2");
    }
}
