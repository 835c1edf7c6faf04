//! Share links: what `/r/CODE` leads to, and the click it records. Like
//! `record_invite`, a typed engine call rather than a command: there is no
//! caller to resolve, only a code and a visit. The click is durable before
//! the answer (a `Store::write`, in the same group commits as commands).

use std::net::IpAddr;

use vouch_store::{Click, ClickId, ClickRead, Read, ReferralCode, Slug};

use super::EngineCore;
use crate::error::UserError;
use crate::limit::{Limiter, Limits};
use crate::share::{VisitorHasher, is_person, referrer_host};

/// One visitor may be counted 5 times in a burst, then 10 a minute; past
/// that the visit is still redirected but not recorded. All visitors
/// together are recorded at most 200 a second (a burst of 1000): a flood
/// from many addresses costs the writer a bounded share, never the commands.
const PER_VISITOR: Limits = Limits {
    burst: 5,
    per_minute: 10,
    failed_codes_per_hour: 0,
    introductions_per_member_per_day: 0,
    introductions_per_day: 0,
};
const ALL_VISITORS: Limits = Limits { burst: 1000, per_minute: 12_000, ..PER_VISITOR };

/// The click side of the engine: the visitor key and the flood limits.
#[derive(Debug)]
pub(crate) struct Clicks {
    hasher: VisitorHasher,
    per_visitor: Limiter<String>,
    all: Limiter<()>,
}

impl Clicks {
    pub(crate) fn new(secret: &vouch_store::LinkSecret) -> Self {
        Self {
            hasher: VisitorHasher::new(secret),
            per_visitor: Limiter::new(PER_VISITOR),
            all: Limiter::new(ALL_VISITORS),
        }
    }
}

/// What the HTTP adapter knows about a visit of a share link.
#[derive(Clone, Debug)]
pub struct Visit<'a> {
    /// The visitor's address (hashed with the user agent, never stored).
    pub ip: IpAddr,
    pub user_agent: &'a str,
    pub referer: Option<&'a str>,
    /// `HEAD` (link checkers, some previews): answered, never counted.
    pub head: bool,
}

/// Why a visit was or was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Recorded, and the visitor's first click on this code today.
    Unique,
    /// Recorded; the visitor was here before today.
    Repeat,
    /// HEAD, a link preview, a crawler or a script.
    NotAPerson,
    /// Over the visitor's (or everyone's) limit.
    RateLimited,
}

/// Where a share link leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareLink {
    /// Not a code, no such code, a revoked one, or one of a paused program:
    /// all the same to the visitor.
    Unknown,
    Active {
        code: ReferralCode,
        program: Slug,
        /// `VOUCH_SHARE_URL` with the code filled in; `None` without one
        /// (the adapter shows a landing page with the code instead).
        destination: Option<String>,
        /// The click recorded for this visit, if it counted.
        click: Option<ClickId>,
        counted: Counted,
    },
}

impl EngineCore {
    /// Resolves `raw` (any case, with or without the dash) and records the
    /// visit as a click when it counts. Returns once the click is durable.
    pub fn open_share_link(&self, raw: &str, visit: &Visit<'_>) -> Result<ShareLink, UserError> {
        let Ok(code) = ReferralCode::parse(raw) else { return Ok(ShareLink::Unknown) };
        let Some(record) = self.store.code(&code)?.filter(|r| !r.revoked) else { return Ok(ShareLink::Unknown) };
        let Some(program) = self.store.program(record.program)?.filter(|p| !p.paused) else {
            return Ok(ShareLink::Unknown);
        };
        let destination = self.settings.share_url.as_ref().map(|u| u.replace("{code}", &code.to_string()));
        let active = |click, counted| ShareLink::Active {
            code: code.clone(),
            program: program.slug.clone(),
            destination: destination.clone(),
            click,
            counted,
        };
        if visit.head || !is_person(visit.user_agent) {
            return Ok(active(None, Counted::NotAPerson));
        }
        let now = self.clock.now();
        let visitor = self.clicks.hasher.visitor(visit.ip, visit.user_agent, now);
        if self.clicks.per_visitor.check(&visitor, now).is_err() || self.clicks.all.check(&(), now).is_err() {
            return Ok(active(None, Counted::RateLimited));
        }
        let referrer = visit.referer.and_then(referrer_host);
        let recorded = self.store.write(|tx| -> Result<_, UserError> {
            // Revoked between the read and now: nothing to count.
            match tx.code(&code)? {
                Some(r) if !r.revoked => {}
                _ => return Ok(None),
            }
            let click = Click {
                id: ClickId(tx.next_id("click")?),
                code: code.clone(),
                program: record.program,
                member: record.member,
                at: now,
                visitor,
                referrer,
            };
            let unique = tx.put_click(&click)?;
            Ok(Some((click.id, unique)))
        })?;
        Ok(match recorded {
            None => ShareLink::Unknown,
            Some((id, true)) => active(Some(id), Counted::Unique),
            Some((id, false)) => active(Some(id), Counted::Repeat),
        })
    }

    /// A recorded click (what a `vouch_click` names): its code, program and
    /// the member who shared it.
    pub fn click(&self, id: ClickId) -> Result<Option<Click>, UserError> {
        Ok(self.store.click(id)?)
    }
}

/// The link a member shares for `code`: vouch's own `/r/CODE` with a public
/// URL (so clicks are counted), else `VOUCH_SHARE_URL` with the code filled
/// in, else none (the bare code is shared).
pub(crate) fn share_link(settings: &super::Settings, code: &ReferralCode) -> Option<String> {
    match (&settings.public_url, &settings.share_url) {
        (Some(base), _) => Some(format!("{}/r/{code}", base.as_str())),
        (None, Some(url)) => Some(url.replace("{code}", &code.to_string())),
        (None, None) => None,
    }
}
