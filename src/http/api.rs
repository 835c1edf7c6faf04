//! `/api/v1`: the HTTP API for the customer's product and CRM. JSON in and
//! out, `Authorization: Bearer KEY` (`vouch api-key create`). An adapter
//! like the bots: a signup is `redeem` run as the person's email identity, a
//! conversion `convert`, a refund `refund`, all through `Engine::handle`, so
//! every rule, rate limit and dedupe is the engine's; `Idempotency-Key`
//! rides on the engine's dedupe keys.
//!
//! Edges are layers: a body over [`MAX_BODY`] is a 413 (tower-http's
//! `RequestBodyLimitLayer`), a request not done in time a 408 (`TimeoutLayer`,
//! a little before the server loop's own 503), a key over its rate a 429
//! with `Retry-After` (governor, per key id). Every error, those included,
//! is `{"error": {"code", "message"}}` with a stable `code`.

mod reads;
mod writes;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use vouch_core::{Engine, Format, Renderer, Reply};
use vouch_store::{ApiKey, ApiScope};

/// Request bodies above this are refused with 413 before they are read.
pub const MAX_BODY: usize = 1024 * 1024;

/// Calls per second a key may make after its burst, and the burst.
#[derive(Clone, Copy, Debug)]
pub struct ApiLimits {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self {
            per_second: NonZeroU32::new(50).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(100).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// What `serve` configures of the API.
#[derive(Clone, Default)]
pub struct ApiConfig {
    pub limits: ApiLimits,
    /// `VOUCH_STRIPE_WEBHOOK_SECRET`: with it, `POST /webhooks/stripe`.
    pub stripe_secret: Option<String>,
}

impl std::fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stripe = self.stripe_secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("ApiConfig").field("limits", &self.limits).field("stripe_secret", &stripe).finish()
    }
}

pub(super) struct Api {
    pub engine: Arc<Engine>,
    pub renderer: Arc<Renderer>,
    limiter: DefaultKeyedRateLimiter<u64>,
}

/// The routes under `/api/v1`, with their own limits; `request_timeout` is
/// the server loop's (the API answers 408 a little before it).
pub(super) fn router(
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    config: ApiConfig,
    request_timeout: Duration,
) -> Router {
    let limits = config.limits;
    let quota = Quota::per_second(limits.per_second).allow_burst(limits.burst);
    let api = Arc::new(Api { engine, renderer, limiter: RateLimiter::keyed(quota) });
    let timeout = request_timeout.saturating_sub(request_timeout / 10).max(Duration::from_millis(100));
    let v1 = Router::new()
        .route("/signups", post(writes::signup))
        .route("/conversions", post(writes::conversion))
        .route("/refunds", post(writes::refund))
        .route("/referrals", get(reads::referrals))
        .route("/members/{id}", get(reads::member))
        .route("/report", get(reads::report))
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such API route.").into_response() })
        .with_state(Arc::clone(&api));
    let mut routes = Router::new().nest("/api/v1", v1);
    if let Some(secret) = config.stripe_secret {
        routes = routes.merge(super::stripe::router(api, secret));
    }
    routes
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such API route: the API is under /api/v1.")
                    .into_response()
            }),
        )
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(middleware::from_fn(json_errors))
}

/// Answers the layers and axum give as plain text (413, 408, 405) become
/// the API's JSON errors.
async fn json_errors(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() && !status.is_server_error() || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "The request body is over 1 MB."),
        StatusCode::REQUEST_TIMEOUT => ("request_timeout", "The request took too long to arrive or to answer."),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "This route does not take that method."),
        StatusCode::NOT_FOUND => ("not_found", "No such API route."),
        s if s.is_server_error() => ("unavailable", "Try again later."),
        _ => ("bad_request", "The request is not valid."),
    };
    ApiError::new(status, code, message).into_response()
}

/// One JSON error: `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
    retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ErrorDetail {
    /// Stable, snake_case: what a program matches on.
    code: String,
    /// For people; English unless `Accept-Language` asks otherwise.
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: &str) -> Self {
        Self { status, code: code.to_string(), message: message.to_string(), retry_after: None }
    }

    pub fn bad_request(code: &str, message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Try again later.")
    }

    /// A refusal of the engine: its code and its rendered text.
    pub fn from_reply(reply: &Reply, renderer: &Renderer) -> Self {
        let code = reply.code.clone().unwrap_or_else(|| "refused".into());
        let mut error = Self::new(status_of(&code), &code, renderer.render(reply, Format::Plain).trim());
        if code == "rate_limited" {
            error.retry_after = reply.data.get("seconds").and_then(|s| s.as_u64()).or(Some(1));
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message } };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The HTTP status of an error code: bad input 400, unknown 404,
/// conflicts 409, rule refusals 422, limits 429, store trouble 503.
fn status_of(code: &str) -> StatusCode {
    match code {
        "empty" | "too_long" | "unknown_command" | "usage" | "malformed_code" | "invalid_setting" | "bad_request"
        | "invalid_json" | "missing_field" | "invalid_value" => StatusCode::BAD_REQUEST,
        "unauthorized" => StatusCode::UNAUTHORIZED,
        "forbidden" | "not_allowed" => StatusCode::FORBIDDEN,
        "unknown_code" | "unknown_referral" | "unknown_reward" | "unknown_program" | "unknown_event"
        | "unknown_person" | "unknown_wish" | "unknown_click" | "unknown_member" | "not_found" => StatusCode::NOT_FOUND,
        "already_redeemed" | "already_referred" | "invalid_transition" | "program_exists" | "already_linked"
        | "already_answered" | "link_conflict" | "consent_answered" => StatusCode::CONFLICT,
        "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
        "unavailable" | "internal" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl Api {
    /// The caller's key, if it may do `scope`; else the 401/403/429 to answer.
    pub async fn authorize(&self, headers: &HeaderMap, scope: ApiScope) -> Result<ApiKey, ApiError> {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|v| v.trim().to_string());
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send a live API key as `Authorization: Bearer KEY` (`vouch api-key create NAME`).",
            )
        };
        let Some(presented) = presented else { return Err(unauthorized()) };
        let engine = Arc::clone(&self.engine);
        let key = tokio::task::spawn_blocking(move || engine.authenticate_api_key(&presented))
            .await
            .map_err(|_| ApiError::unavailable())?
            .map_err(|e| {
                tracing::warn!("api: checking a key: {e}");
                ApiError::unavailable()
            })?
            .ok_or_else(unauthorized)?;
        if let Err(not_until) = self.limiter.check_key(&key.id) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many calls with this key: wait, then try again.",
            );
            error.retry_after = Some(wait.as_secs_f64().ceil() as u64);
            return Err(error);
        }
        if !key.allows(scope) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("This key may not {}: make one with `--scopes {}`.", scope.as_str(), scope.as_str()),
            ));
        }
        Ok(key)
    }
}

/// `Accept-Language` as the caller's language hint.
pub(super) fn accept_language(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    value.split([',', ';']).next().map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// A JSON answer.
pub(super) fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Parses a JSON body into `T`, as a 400 with a stable code when it does not.
pub(super) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        let text = e.to_string();
        let code = if e.is_data() && text.starts_with("missing field") {
            "missing_field"
        } else if e.is_data() {
            "invalid_value"
        } else {
            "invalid_json"
        };
        ApiError::bad_request(code, &text)
    })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "vouch API", description = "Signups, conversions, refunds and reads of a vouch referral program."),
    paths(
        writes::signup,
        writes::conversion,
        writes::refund,
        reads::referrals,
        reads::member,
        reads::report,
        openapi_json
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        writes::SignupRequest,
        writes::ConversionRequest,
        writes::RefundRequest,
        reads::ReferralView,
        reads::ReferralPage
    )),
    modifiers(&BearerAuth)
)]
pub(super) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("vk_…").build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new("api_key", Vec::<String>::new())]);
    }
}

/// The API's description, generated from the handlers and their types.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "This API as OpenAPI 3.1")))]
async fn openapi_json() -> Response {
    let doc = ApiDoc::openapi();
    match serde_json::to_value(&doc) {
        Ok(value) => answer(StatusCode::OK, value),
        Err(_) => ApiError::unavailable().into_response(),
    }
}

/// A refusal reply of the engine, if the response holds one.
pub(super) fn refusal(response: &vouch_core::Response) -> Option<&Reply> {
    response.replies.iter().find(|r| r.is_error())
}

pub(super) fn unknown(code: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

/// Runs blocking engine work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::warn!("api: {e}");
        ApiError::unavailable()
    })
}

pub(super) fn json_of<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|_| json!({}))
}
