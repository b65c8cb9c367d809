//! Provider text to plain text. Feeds and some APIs carry HTML; the UI and notifications only ever
//! show plain text, so markup is turned into line breaks here and never rendered.

/// Strip tags, decode entities, turn block tags into line breaks, collapse blank runs.
pub fn html_to_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        match after.find('>') {
            Some(gt) => {
                let tag = after[..gt]
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if matches!(
                    tag.as_str(),
                    "br" | "p" | "div" | "li" | "ul" | "ol" | "tr" | "h1" | "h2" | "h3" | "h4"
                ) {
                    out.push('\n');
                } else if tag == "small" || tag == "var" || tag == "strong" || tag == "b" {
                    // inline: nothing
                }
                rest = &after[gt + 1..];
            }
            None => {
                // A lone '<' is text, not markup; with no '>' left, so is all the rest (stopping
                // here keeps a run of '<' linear).
                out.push('<');
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    tidy(&decode_entities(&out))
}

/// Decode the named entities status pages use plus numeric ones. Unknown entities stay as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // Entities are short: look for ';' in the next 11 bytes only (a run of '&' stays linear).
        let end = after.bytes().take(11).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "hellip" => Some('…'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "rdquo" => Some('”'),
                "ldquo" => Some('“'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((ch, e))
        });
        match decoded {
            Some((ch, e)) => {
                out.push(ch);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trim each line, drop control characters, keep at most one blank line between paragraphs.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// "just now", "4 min ago", "3 h ago", "2 days ago" — for freshness and "since" lines (English:
/// the CLI's words; the tray uses [`crate::i18n::Lang::ago`] in the user's language).
pub fn ago(then: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    crate::i18n::Lang::En.ago(then, now)
}

/// Plain text made safe for a notification body: the freedesktop spec lets servers parse a
/// subset of HTML there, so provider text like "AT&T <b>" must be escaped to show as written.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_words() {
        let now = chrono::Utc::now();
        let m = |s: i64| ago(now - chrono::Duration::seconds(s), now);
        assert_eq!(m(-5), "just now");
        assert_eq!(m(50), "1 min ago");
        assert_eq!(m(3000), "50 min ago");
        assert_eq!(m(7200), "2 h ago");
        assert_eq!(m(86_400 * 3), "3 days ago");
    }

    /// Found by fuzzing (the `text` target's low exec rate): each lone '<' scanned the rest of the
    /// text for '>', and each '&' for ';', so 200 KB of either took seconds. Now linear.
    #[test]
    fn runs_of_lone_lt_and_amp_are_linear() {
        let start = std::time::Instant::now();
        let lt = "a <".repeat(400_000);
        assert_eq!(html_to_text(&lt), lt);
        let amp = "&".repeat(1_000_000);
        assert_eq!(decode_entities(&amp), amp);
        assert_eq!(html_to_text("x &amp;&amp <b"), "x &&amp <b");
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn strips_tags_and_decodes() {
        assert_eq!(
            html_to_text("<p><strong>Resolved</strong> - All good &amp; fast.<br />Thanks</p>"),
            "Resolved - All good & fast.\nThanks"
        );
        assert_eq!(
            html_to_text("a < b &#x41;&#66; &bogus; &"),
            "a < b AB &bogus; &"
        );
        assert_eq!(html_to_text("<script>alert(1)</script>x"), "alert(1)x");
    }

    #[test]
    fn tidy_collapses_blank_runs() {
        assert_eq!(tidy("  a  b \n\n\n\n c\u{7}\n"), "a b\n\nc");
    }

    #[test]
    fn notification_bodies_escape_markup() {
        assert_eq!(escape_markup("AT&T <b>"), "AT&amp;T &lt;b&gt;");
        assert_eq!(
            escape_markup("<a href=\"x\">it's</a> &amp;"),
            "&lt;a href=\"x\"&gt;it's&lt;/a&gt; &amp;amp;"
        );
        assert_eq!(
            escape_markup("Claude: degraded — API"),
            "Claude: degraded — API"
        );
        // Escaping then decoding (what a markup-parsing server does) gives the text back.
        let s = "x < y && z > 0 <img src=x onerror=1>";
        assert_eq!(decode_entities(&escape_markup(s)), s);
    }
}
