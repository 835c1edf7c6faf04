//! The few HTML pages the HTTP server shows: self-contained (no external
//! assets, no scripts), every piece of text escaped, and headers that keep
//! them out of caches, frames and referrers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vouch_core::render::escape_html;

/// `default-src 'none'`: nothing loads; the one inline style and the form
/// posting back to the same address are all a page needs. No framing, so a
/// button cannot be overlaid by another site (clickjacking).
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;\
                     line-height:1.5;color:#222}button{font-size:1em;padding:.6em 1.4em;border:0;border-radius:4px;\
                     background:#1a73e8;color:#fff;cursor:pointer}";

/// The headers every answer carries, pages and calendars alike.
pub fn harden(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// A page: `title` and `paragraphs` are plain text (escaped here); `button`
/// adds a form that POSTs `List-Unsubscribe=One-Click` back to the page's
/// own address (the body RFC 8058 clients send; harmless for actions).
pub fn page(status: StatusCode, title: &str, paragraphs: &[&str], button: Option<&str>) -> Response {
    page_in(&Lang { tag: "en", rtl: false }, status, title, paragraphs, button)
}

/// The reader's language of a page: `lang` on the document, and
/// `dir="rtl"` where the script runs right to left (Arabic).
pub struct Lang<'a> {
    pub tag: &'a str,
    pub rtl: bool,
}

/// [`page`] in the reader's language.
pub fn page_in(
    lang: &Lang<'_>,
    status: StatusCode,
    title: &str,
    paragraphs: &[&str],
    button: Option<&str>,
) -> Response {
    let mut response = (status, html(lang, title, paragraphs, button)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    harden(response)
}

fn html(lang: &Lang<'_>, title: &str, paragraphs: &[&str], button: Option<&str>) -> String {
    let mut body = format!(
        "<!doctype html><html lang=\"{tag}\"{dir}><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1>",
        title = escape_html(title),
        tag = escape_html(lang.tag),
        dir = if lang.rtl { " dir=\"rtl\"" } else { "" },
    );
    for p in paragraphs {
        body.push_str(&format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")));
    }
    if let Some(label) = button {
        body.push_str(&format!(
            "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">{}</button></form>",
            escape_html(label)
        ));
    }
    body.push_str("</body></html>\n");
    body
}

/// Unknown address, forged or mangled token: all the same to the visitor.
pub fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link does not work",
        &["It may have been cut short when it was copied. Try opening it from the mail again, \
             or simply reply to the mail instead."],
        None,
    )
}

/// Something on our side failed; nothing was changed.
pub fn unavailable() -> Response {
    let mut response = page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Please try again in a moment",
        &["We could not handle that just now, and nothing was changed."],
        None,
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_everything_and_carry_safe_headers() {
        let response = page(StatusCode::OK, "<b>Hi</b>", &["a & b\n\"c\""], Some("Yes <script>"));
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        let body = html(&Lang { tag: "ar", rtl: true }, "<b>Hi</b>", &["a & b\n\"c\""], Some("Yes <script>"));
        assert!(!body.contains("<b>Hi") && !body.contains("<script>"), "{body}");
        assert!(body.starts_with("<!doctype html><html lang=\"ar\" dir=\"rtl\">"), "{body}");
        assert!(
            body.contains("&lt;b&gt;Hi") && body.contains("a &amp; b<br>") && body.contains("<form method=\"post\">")
        );
    }
}
