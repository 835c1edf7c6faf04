//! The HTTP server (`VOUCH_HTTP_LISTEN`): signed one-click links from mail,
//! RFC 8058 one-click unsubscribe, members' calendar feeds, and a health
//! check. An adapter like the bots: a link turns into a command line run
//! through `Engine::respond` as the person the mail went to, so the parser,
//! rate limits, role checks and dedupe all apply.
//!
//! GET never acts. Mail scanners (Outlook Safe Links, Gmail, corporate
//! gateways) fetch every link in a mail before the person sees it; a GET
//! that accepted or declined would answer for them. GET shows a page naming
//! the choice with a button; the button POSTs. RFC 8058 unsubscribe is the
//! exception the RFC makes on purpose: its POST acts at once, without a
//! confirmation page, because only a mail client's deliberate button sends it.
//! Share links (`/r/CODE`, `http/share.rs`) only count: a GET records a
//! click, never a choice.

mod api;
mod page;
mod share;
mod stripe;

pub use api::{ApiConfig, ApiLimits};

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;
use vouch_bots::http_server::{self, ServerLimits};
use vouch_core::{Caller, Engine, Format, Link, Purpose, Renderer};
use vouch_store::{OutboxId, OutboxMessage, Read};

use self::page::{Lang, harden, not_found, page_in, unavailable};

/// RFC 8058 bodies (`List-Unsubscribe=One-Click`) and our forms are tiny.
const MAX_BODY: usize = 8 * 1024;

struct Http {
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
}

/// Binds before `serve` reports itself running, so a taken port is an
/// error at start, not a silent missing feature.
pub fn bind(addr: SocketAddr) -> anyhow::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen for HTTP on {addr} (VOUCH_HTTP_LISTEN): {e}"))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves until `stop` turns true; requests in flight are finished. The
/// loop (timeouts, the connection limit) is the one the Telegram webhook
/// uses too: `vouch_bots::http_server`.
pub async fn run(
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    listener: std::net::TcpListener,
    limits: ServerLimits,
    api: ApiConfig,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let api = api::router(Arc::clone(&engine), Arc::clone(&renderer), api, limits.request_timeout);
    let router = router(Arc::new(Http { engine, renderer })).merge(api);
    http_server::serve("http", listener, router, limits, stop).await;
    Ok(())
}

fn router(http: Arc<Http>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/a/{token}", get(action_page).post(action_run))
        .route("/u/{token}", get(unsubscribe_page).post(unsubscribe_run))
        .route("/ics/{file}", get(feed))
        .route("/r/{code}", get(share::open))
        .fallback(|| async { not_found() })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(http)
}

/// The store is open before the server starts: being here is being
/// healthy, unless a failed flush stopped the store (`serve` is exiting).
async fn healthz(State(http): State<Arc<Http>>) -> Response {
    let mut response = match http.engine.store().poisoned() {
        None => (StatusCode::OK, "ok\n").into_response(),
        Some(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable: a write to disk failed\n").into_response(),
    };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    harden(response)
}

/// The outbox row a verified link names, read off the async runtime (sled
/// reads can touch the disk). `None`: the row is gone (a restore from an
/// older backup), so the link is as good as unknown.
async fn row(http: &Http, id: OutboxId) -> Result<Option<OutboxMessage>, Response> {
    let engine = Arc::clone(&http.engine);
    match tokio::task::spawn_blocking(move || engine.store().outbox(id)).await {
        Ok(Ok(row)) => Ok(row),
        Ok(Err(e)) => {
            tracing::warn!("http: reading outbox row {id}: {e}");
            Err(unavailable())
        }
        Err(e) => {
            tracing::warn!("http: {e}");
            Err(unavailable())
        }
    }
}

/// The community name a row was rendered with, for page titles.
fn community(row: &OutboxMessage) -> &str {
    row.data.get("community").and_then(|v| v.as_str()).unwrap_or("vouch")
}

/// The mail a link was sent in, once its signature checks out for this
/// route's purpose, with the link itself. Any failure is the page to show.
async fn linked(http: &Http, token: &str, purpose: Purpose) -> Result<(Link, OutboxMessage), Response> {
    let link = http.engine.signer().verify(token, purpose).map_err(|_| not_found())?;
    let id = match link {
        Link::Action { row, .. } | Link::Unsubscribe { row } => row,
        Link::Feed { .. } => return Err(not_found()),
    };
    row(http, id).await?.map(|message| (link, message)).ok_or_else(not_found)
}

/// The action a verified action link runs, from the row's choices.
async fn linked_action(
    http: &Http,
    token: &str,
    headers: &HeaderMap,
) -> Result<(OutboxMessage, usize, vouch_store::Action), Response> {
    let (link, message) = linked(http, token, Purpose::Action).await?;
    let Link::Action { choice, issued, .. } = link else { return Err(not_found()) };
    // Links from before the issue time was signed in count from their row.
    let issued = if issued > 0 { issued } else { message.created_at.timestamp() };
    if http.engine.now().timestamp().saturating_sub(issued) > vouch_core::ACTION_LINK_DAYS * 86_400 {
        let lang = page_language(http, headers, &message);
        let title = words(http, &lang, "page-expired", &message);
        let text = words(http, &lang, "page-expired-text", &message);
        return Err(page(http, &lang, StatusCode::GONE, &title, &[&text], None));
    }
    let action = message.actions.get(choice).cloned().ok_or_else(not_found)?;
    Ok((message, choice, action))
}

/// The language of a page about `message`: the recipient's own choice,
/// else the browser's `Accept-Language`, else the row's language.
fn page_language(http: &Http, headers: &HeaderMap, message: &OutboxMessage) -> String {
    let chosen = http.engine.store().member_by_identity(&message.to).ok().flatten().and_then(|m| m.language);
    let languages = &http.engine.settings().languages;
    chosen
        .as_ref()
        .or(accept_language(headers).as_ref())
        .and_then(|tag| languages.negotiate(tag))
        .map_or_else(|| http.engine.notice_language(message), str::to_string)
}

fn accept_language(headers: &HeaderMap) -> Option<vouch_store::Language> {
    headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok().and_then(|v| vouch_store::Language::parse(v).ok())
}

/// A page's words in `lang` (`community` and `address` as arguments).
fn words(http: &Http, lang: &str, id: &str, message: &OutboxMessage) -> String {
    let args = [
        ("community", serde_json::Value::from(community(message))),
        ("address", serde_json::Value::from(message.to.external())),
    ];
    http.renderer.message(lang, id, &args).unwrap_or_default()
}

fn page(
    http: &Http,
    lang: &str,
    status: StatusCode,
    title: &str,
    paragraphs: &[&str],
    button: Option<&str>,
) -> Response {
    page_in(&Lang { tag: lang, rtl: http.renderer.is_rtl(lang) }, status, title, paragraphs, button)
}

async fn action_page(State(http): State<Arc<Http>>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let (message, _, action) = match linked_action(&http, &token, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = page_language(&http, &headers, &message);
    let label = http.renderer.label(&lang, &action.label);
    page(&http, &lang, StatusCode::OK, &label, &[&words(&http, &lang, "page-confirm", &message)], Some(&label))
}

async fn action_run(
    State(http): State<Arc<Http>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    _form: Bytes,
) -> Response {
    let (message, choice, action) = match linked_action(&http, &token, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let id = message.id;
    // One key per (row, choice): a double click, or the button pressed
    // again later, returns the first answer and changes nothing.
    let key = format!("{}{id}:{choice}", vouch_core::LINK_ANSWER_KEY);
    let lang = page_language(&http, &headers, &message);
    match act(&http, &message, action.command.clone(), key, accept_language(&headers)).await {
        Ok(answer) => {
            let status = if answer.refused { StatusCode::CONFLICT } else { StatusCode::OK };
            let title =
                words(&http, &lang, if answer.refused { "page-nothing-changed" } else { "page-done" }, &message);
            let texts: Vec<&str> = answer.texts.iter().map(String::as_str).collect();
            page(&http, &lang, status, &title, &texts, None)
        }
        Err(page) => page,
    }
}

async fn unsubscribe_page(State(http): State<Arc<Http>>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    match linked(&http, &token, Purpose::Unsubscribe).await {
        Ok((_, message)) if unsubscribe_command(&message).is_some() => {
            let lang = page_language(&http, &headers, &message);
            let button = words(&http, &lang, "page-unsubscribe", &message);
            let ask = words(&http, &lang, "page-unsubscribe-ask", &message);
            page(&http, &lang, StatusCode::OK, &button, &[&ask], Some(&button))
        }
        Ok(_) => not_found(),
        Err(page) => page,
    }
}

/// RFC 8058: acts at once and answers 200. Idempotent: a repeat (same row)
/// returns the first answer; an address that already said no stays out.
async fn unsubscribe_run(
    State(http): State<Arc<Http>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    _form: Bytes,
) -> Response {
    let message = match linked(&http, &token, Purpose::Unsubscribe).await {
        Ok((_, message)) => message,
        Err(page) => return page,
    };
    let id = message.id;
    let Some(command) = unsubscribe_command(&message) else { return not_found() };
    let lang = page_language(&http, &headers, &message);
    match act(&http, &message, command, format!("http:unsubscribe:{id}"), accept_language(&headers)).await {
        Ok(_) => {
            let title = words(&http, &lang, "page-unsubscribed", &message);
            let text = words(&http, &lang, "page-unsubscribed-text", &message);
            page(&http, &lang, StatusCode::OK, &title, &[&text], None)
        }
        Err(page) => page,
    }
}

/// The command that opts a row's recipient out, as its mailto: link sends it.
fn unsubscribe_command(message: &OutboxMessage) -> Option<String> {
    message.data.get("unsubscribe").and_then(|v| v.as_str()).map(str::to_string)
}

/// What the engine answered to a link, rendered as plain text.
struct Answer {
    texts: Vec<String>,
    /// The command was refused (already answered, not allowed…): nothing changed.
    refused: bool,
}

/// Runs `command` as the row's recipient. The link was mailed to that
/// address and only its reader has it — the same proof a reply from it
/// gives, so the caller counts as verified. `respond` answers only after
/// the change is durable.
async fn act(
    http: &Http,
    message: &OutboxMessage,
    command: String,
    key: String,
    hint: Option<vouch_store::Language>,
) -> Result<Answer, Response> {
    let engine = Arc::clone(&http.engine);
    let to = message.to.clone();
    let response = tokio::task::spawn_blocking(move || {
        // An existing member keeps their name; it is only a fallback for a new one.
        let name = match engine.store().member_by_identity(&to) {
            Ok(Some(member)) => member.display_name,
            _ => to.external().to_string(),
        };
        let mut caller = Caller::new(to, &name);
        caller.language = hint;
        engine.handle(&caller, vouch_core::Input::Line(&command), Some(&key))
    })
    .await
    .map_err(|e| {
        tracing::warn!("http: {e}");
        unavailable()
    })?;
    // A refusal that may pass later (rate limit, store trouble) is not an answer.
    if response.refusal() == Some(vouch_core::Refusal::TryLater) {
        return Err(unavailable());
    }
    Ok(Answer {
        texts: response.replies.iter().map(|r| http.renderer.render(r, Format::Plain)).collect(),
        refused: response.refused(),
    })
}

/// `GET /ics/TOKEN.ics`: the member's events, as `ics` gives them.
async fn feed(State(http): State<Arc<Http>>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else { return not_found() };
    let Ok(Link::Feed { member, version }) = http.engine.signer().verify(token, Purpose::Feed) else {
        return not_found();
    };
    let engine = Arc::clone(&http.engine);
    match tokio::task::spawn_blocking(move || engine.member_calendar(member, version)).await {
        Ok(Ok(Some(calendar))) => {
            // RFC 5545 lines end in CRLF; the engine writes LF (as `vouch ics` does).
            let body = calendar.trim_end().replace("\r\n", "\n").replace('\n', "\r\n") + "\r\n";
            let mut response = (StatusCode::OK, body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
            headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"events.ics\""));
            harden(response)
        }
        Ok(Ok(None)) => not_found(),
        Ok(Err(e)) => {
            tracing::warn!("http: calendar of {member}: {e}");
            unavailable()
        }
        Err(e) => {
            tracing::warn!("http: {e}");
            unavailable()
        }
    }
}
