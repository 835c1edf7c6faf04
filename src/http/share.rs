//! `GET /r/CODE`: a member's share link. A known, active code answers 302
//! to the program's destination (`VOUCH_SHARE_URL` with the code, plus
//! `vouch_click=ID` when the visit was recorded); without a destination, a
//! small landing page shows the code and how to redeem it. An unknown,
//! revoked or paused code is a 404 page, never a redirect. HEAD, link
//! previews and crawlers are answered the same way but never counted.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vouch_core::{ShareLink, Visit};
use vouch_store::{ClickId, ReferralCode};

use super::page::{Lang, harden, page_in, unavailable};
use super::{Http, accept_language};

pub(super) async fn open(State(http): State<Arc<Http>>, Path(raw): Path<String>, request: Request) -> Response {
    let headers = request.headers().clone();
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let Some(ip) = peer.map(|p| client_ip(p.ip(), &headers)) else {
        tracing::warn!("http: a share-link request without a peer address");
        return unavailable();
    };
    let head = request.method() == Method::HEAD;
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (user_agent, referer) = (text(header::USER_AGENT).unwrap_or_default(), text(header::REFERER));
    let engine = Arc::clone(&http.engine);
    let opened = tokio::task::spawn_blocking(move || {
        let visit = Visit { ip, user_agent: &user_agent, referer: referer.as_deref(), head };
        engine.open_share_link(&raw, &visit)
    })
    .await;
    let link = match opened {
        Ok(Ok(link)) => link,
        Ok(Err(e)) => {
            tracing::warn!("http: share link: {e}");
            return unavailable();
        }
        Err(e) => {
            tracing::warn!("http: {e}");
            return unavailable();
        }
    };
    let lang = page_language(&http, &headers);
    match link {
        ShareLink::Unknown => {
            let title = words(&http, &lang, "page-share-unknown", None);
            let text = words(&http, &lang, "page-share-unknown-text", None);
            page(&http, &lang, StatusCode::NOT_FOUND, &title, &[&text])
        }
        ShareLink::Active { destination, code, click, .. } => {
            match destination.as_deref().map(|d| (d, with_click(d, click))) {
                Some((_, Some(location))) => redirect(&location),
                Some((broken, None)) => {
                    // Config checks the address at start; should a code still
                    // make it unusable, the page is better than nothing.
                    tracing::warn!("http: the share destination {broken:?} is not an http(s) URL");
                    landing(&http, &lang, &code)
                }
                None => landing(&http, &lang, &code),
            }
        }
    }
}

/// The visitor's address: the peer's, or — when the peer is a reverse proxy
/// on this machine — the last address it added to `X-Forwarded-For`.
pub(super) fn client_ip(peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if !peer.is_loopback() {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

/// `destination` with `vouch_click=ID` added to its query (kept as it is).
pub(super) fn with_click(destination: &str, click: Option<ClickId>) -> Option<String> {
    let mut url = url::Url::parse(destination).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    if let Some(id) = click {
        url.query_pairs_mut().append_pair("vouch_click", &id.to_string());
    }
    Some(url.into())
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            harden(response)
        }
        Err(_) => unavailable(),
    }
}

/// No destination configured: the code, and how to use it.
fn landing(http: &Http, lang: &str, code: &ReferralCode) -> Response {
    let code = code.to_string();
    let title = words(http, lang, "page-share-title", None);
    let shown = words(http, lang, "page-share-code", Some(&code));
    let how = words(http, lang, "page-share-how", Some(&code));
    page(http, lang, StatusCode::OK, &title, &[&shown, &how])
}

/// The browser's language if vouch speaks it, else the community's.
fn page_language(http: &Http, headers: &HeaderMap) -> String {
    let languages = &http.engine.settings().languages;
    accept_language(headers)
        .as_ref()
        .and_then(|tag| languages.negotiate(tag))
        .unwrap_or(languages.default_language())
        .to_string()
}

fn words(http: &Http, lang: &str, id: &str, code: Option<&str>) -> String {
    let mut args = vec![("community", serde_json::Value::from(http.engine.settings().community.as_str()))];
    if let Some(code) = code {
        args.push(("code", serde_json::Value::from(code)));
    }
    http.renderer.message(lang, id, &args).unwrap_or_default()
}

fn page(http: &Http, lang: &str, status: StatusCode, title: &str, paragraphs: &[&str]) -> Response {
    page_in(&Lang { tag: lang, rtl: http.renderer.is_rtl(lang) }, status, title, paragraphs, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_click_joins_the_destination_query() {
        let c = Some(ClickId(42));
        assert_eq!(
            with_click("https://acme.example/join?ref=7K3M-9QXP", c).as_deref(),
            Some("https://acme.example/join?ref=7K3M-9QXP&vouch_click=C42")
        );
        assert_eq!(
            with_click("https://acme.example/join/7K3M-9QXP#top", c).as_deref(),
            Some("https://acme.example/join/7K3M-9QXP?vouch_click=C42#top")
        );
        assert_eq!(with_click("https://acme.example/j?a=1", None).as_deref(), Some("https://acme.example/j?a=1"));
        assert_eq!(with_click("javascript:alert(1)", c), None);
        assert_eq!(with_click("not a url", c), None);
    }

    #[test]
    fn a_local_proxy_names_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1, 198.51.100.7"));
        let loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        let remote: IpAddr = "203.0.113.5".parse().expect("ip");
        assert_eq!(client_ip(loopback, &headers), "198.51.100.7".parse::<IpAddr>().expect("ip"));
        // A remote peer cannot claim to be someone else.
        assert_eq!(client_ip(remote, &headers), remote);
        assert_eq!(client_ip(loopback, &HeaderMap::new()), loopback);
    }
}
