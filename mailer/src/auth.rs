//! Sender authentication: DKIM, SPF and DMARC alignment (mail-auth) for one
//! inbound message, so a forged From never earns credit. The verdict is
//! data; what it permits (`VOUCH_MAIL_AUTH=off|record|require`) is decided
//! by the caller.
//!
//! SPF needs the SMTP envelope: the connecting IP, HELO name and MAIL FROM.
//! An MTA pipe passes them as arguments (`--client-ip`, `--helo`,
//! `--mail-from`); without them they come from the topmost `Received` and
//! `Return-Path` headers, which the receiving MTA writes last and a sender
//! cannot place above it. Anything lower down is the sender's word and is
//! never read.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::{Dmarc, Policy as DmarcPolicy};
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::spf::Spf;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DmarcResult, DnsError, MX, MessageAuthenticator, Parameters, RecordSet,
    ResolverCache, SpfResult, Txt,
};
use serde::Serialize;

/// `VOUCH_MAIL_AUTH`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Trust the From header (an MTA in front already enforces DMARC).
    Off,
    /// Verify and record; a sender that does not pass is treated as a
    /// stranger (help, a code of its own), never as the address it names.
    Record,
    /// Verify; an unauthenticated sender is never credited nor answered.
    /// The default: a From line is trivially forged, and vouch acts on mail.
    #[default]
    Require,
}

impl std::str::FromStr for Policy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Policy::Off),
            "record" => Ok(Policy::Record),
            "require" => Ok(Policy::Require),
            other => Err(format!("VOUCH_MAIL_AUTH={other}: use off, record or require")),
        }
    }
}

/// The SMTP envelope the message arrived with, as far as it is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Envelope {
    pub client_ip: Option<IpAddr>,
    pub helo: Option<String>,
    pub mail_from: Option<String>,
}

impl Envelope {
    /// Fills what is missing from the topmost `Received` (client IP, HELO)
    /// and `Return-Path` (MAIL FROM) headers.
    pub fn or_from_headers(mut self, raw: &[u8]) -> Self {
        let (received, return_path) = topmost_trace_headers(raw);
        if let Some(received) = received {
            let (helo, ip) = parse_received(&received);
            self.client_ip = self.client_ip.or(ip);
            self.helo = self.helo.or(helo);
        }
        if self.mail_from.is_none() {
            self.mail_from = return_path.map(|p| p.trim().trim_matches(|c| c == '<' || c == '>').to_string());
        }
        self
    }
}

/// Where DNS answers come from: the system resolver, or a fixed set of TXT
/// records (`VOUCH_MAIL_AUTH_DNS`, for tests and air-gapped hosts) with no
/// DNS server asked at all.
pub struct Dns {
    txt: HashMap<Box<str>, Txt>,
    /// Every question is answered from `txt`; a missing name is NXDOMAIN.
    fixed: bool,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns").field("records", &self.txt.len()).field("fixed", &self.fixed).finish()
    }
}

impl Dns {
    pub fn system() -> Self {
        Self { txt: HashMap::new(), fixed: false }
    }

    /// Parses `name TXT-value` lines (`#` comments, quotes around the value
    /// optional): `sel._domainkey.example.org v=DKIM1; k=rsa; p=MIIB...`.
    /// The record kind follows from the name and the `v=` tag. The value
    /// `!temperror` makes lookups of that name fail as a DNS outage would.
    pub fn fixed(zone: &str) -> Result<Self, String> {
        let mut txt = HashMap::new();
        for (n, line) in zone.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) =
                line.split_once(char::is_whitespace).ok_or_else(|| format!("line {}: expected NAME VALUE", n + 1))?;
            let value = value.trim().trim_matches('"').replace("\" \"", "");
            let bytes = value.as_bytes();
            let lower = value.to_ascii_lowercase();
            let record: Txt = if value == "!temperror" {
                Txt::Error(mail_auth::Error::Dns(DnsError::Resolver(format!("{name}: server failure (fixed zone)"))))
            } else if name.contains("._domainkey.") {
                DomainKey::parse(bytes).into()
            } else if lower.starts_with("v=dmarc1") {
                Dmarc::parse(bytes).into()
            } else if lower.starts_with("v=spf1") {
                Spf::parse(bytes).into()
            } else {
                return Err(format!("line {}: not a DKIM, DMARC or SPF record", n + 1));
            };
            if let Txt::Error(e) = &record
                && value != "!temperror"
            {
                return Err(format!("line {}: {e}", n + 1));
            }
            txt.insert(fqdn(name).into_boxed_str(), record);
        }
        Ok(Self { txt, fixed: true })
    }

    fn resolver(&self) -> Result<MessageAuthenticator, String> {
        if self.fixed {
            // Never asked: every lookup is answered from the fixed records.
            let config = mail_auth::hickory_resolver::config::ResolverConfig::default();
            MessageAuthenticator::new(config, Default::default()).map_err(|e| e.to_string())
        } else {
            let (config, mut options) = mail_auth::hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| format!("cannot read the DNS configuration: {e}"))?;
            // An MTA pipe waits for us: an unreachable DNS server costs seconds, not a minute.
            options.timeout = std::time::Duration::from_secs(3);
            options.attempts = 1;
            MessageAuthenticator::new(config, options).map_err(|e| format!("cannot set up DNS: {e}"))
        }
    }
}

fn fqdn(name: &str) -> String {
    let mut name = name.trim().to_ascii_lowercase();
    if !name.ends_with('.') {
        name.push('.');
    }
    name
}

fn not_found() -> mail_auth::Error {
    mail_auth::Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain))
}

/// The fixed records act as mail-auth's caches: a hit is never looked up.
struct Answers<'a>(&'a Dns);

impl ResolverCache<Box<str>, Txt> for Answers<'_> {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self.0.txt.get(name) {
            Some(found) => Some(found.clone()),
            None if self.0.fixed => Some(Txt::Error(not_found())),
            None => None,
        }
    }
    fn remove<Q>(&self, _: &Q) -> Option<Txt>
    where
        Box<str>: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }
    fn insert(&self, _: Box<str>, _: Txt, _: std::time::Instant) {}
}

/// Address, MX and PTR questions: nothing beyond the TXT records is fixed,
/// so with fixed records they have empty answers.
macro_rules! empty_answers {
    ($key:ty, $value:ty) => {
        impl ResolverCache<$key, RecordSet<$value>> for Answers<'_> {
            fn get<Q>(&self, _: &Q) -> Option<RecordSet<$value>>
            where
                $key: std::borrow::Borrow<Q>,
                Q: Hash + Eq + ?Sized,
            {
                self.0.fixed.then(|| RecordSet { rrset: Arc::from(Vec::new()), dnssec_status: Default::default() })
            }
            fn remove<Q>(&self, _: &Q) -> Option<RecordSet<$value>>
            where
                $key: std::borrow::Borrow<Q>,
                Q: Hash + Eq + ?Sized,
            {
                None
            }
            fn insert(&self, _: $key, _: RecordSet<$value>, _: std::time::Instant) {}
        }
    };
}
empty_answers!(Box<str>, MX);
empty_answers!(Box<str>, Ipv4Addr);
empty_answers!(Box<str>, Ipv6Addr);
empty_answers!(IpAddr, Box<str>);

/// The outcome, as `--dry-run --json` prints it under `auth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// DMARC passed, or (no DMARC record) an aligned DKIM or SPF pass.
    Pass,
    /// Nothing aligned with the From domain passed.
    Fail,
    /// A DNS error: neither pass nor fail.
    TempError,
    /// `VOUCH_MAIL_AUTH=off`.
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DkimCheck {
    pub domain: String,
    pub selector: String,
    pub result: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpfCheck {
    pub result: String,
    pub domain: String,
    pub client_ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DmarcCheck {
    pub result: String,
    pub policy: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub policy: Policy,
    pub result: Outcome,
    pub from_domain: String,
    pub dkim: Vec<DkimCheck>,
    pub spf: Option<SpfCheck>,
    pub dmarc: Option<DmarcCheck>,
    pub reasons: Vec<String>,
}

impl Verdict {
    pub fn skipped() -> Self {
        Self {
            policy: Policy::Off,
            result: Outcome::Skipped,
            from_domain: String::new(),
            dkim: Vec::new(),
            spf: None,
            dmarc: None,
            reasons: vec!["VOUCH_MAIL_AUTH=off: the From address is trusted as is".into()],
        }
    }

    pub fn passed(&self) -> bool {
        self.result == Outcome::Pass
    }

    /// One line for the inbound record and logs.
    pub fn summary(&self) -> String {
        let dkim: Vec<String> = self.dkim.iter().map(|d| format!("dkim={} ({})", d.result, d.domain)).collect();
        let spf = self.spf.as_ref().map(|s| format!("spf={} ({})", s.result, s.domain));
        let dmarc = self.dmarc.as_ref().map(|d| format!("dmarc={} (p={})", d.result, d.policy));
        let mut parts = vec![format!("{:?}", self.result).to_lowercase()];
        parts.extend(dkim);
        parts.extend(spf);
        parts.extend(dmarc);
        parts.join("; ")
    }
}

/// Verifies `raw` against DNS. Never fails: trouble is a `TempError` verdict.
pub async fn verify(raw: &[u8], envelope: &Envelope, dns: &Dns, policy: Policy) -> Verdict {
    let mut verdict = Verdict {
        policy,
        result: Outcome::Fail,
        from_domain: String::new(),
        dkim: Vec::new(),
        spf: None,
        dmarc: None,
        reasons: Vec::new(),
    };
    if policy == Policy::Off {
        return Verdict::skipped();
    }
    let Some(message) = AuthenticatedMessage::parse(raw) else {
        verdict.reasons.push("the message could not be parsed for authentication".into());
        return verdict;
    };
    let from_domain = message.from.first().and_then(|f| f.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
    let Some(from_domain) = from_domain else {
        verdict.reasons.push("no From domain".into());
        return verdict;
    };
    verdict.from_domain = from_domain.clone();
    let authenticator = match dns.resolver() {
        Ok(a) => a,
        Err(e) => {
            verdict.result = Outcome::TempError;
            verdict.reasons.push(e);
            return verdict;
        }
    };
    let answers = Answers(dns);
    let dkim = authenticator.verify_dkim(cached(&message, &answers)).await;
    for out in &dkim {
        let (domain, selector) = out.signature().map(|s| (s.d.clone(), s.s.clone())).unwrap_or_default();
        verdict.dkim.push(DkimCheck { domain, selector, result: dkim_word(out.result()).into() });
    }
    if dkim.is_empty() {
        verdict.reasons.push("no DKIM signature".into());
    }

    let helo = envelope.helo.clone().unwrap_or_default();
    let mail_from = envelope.mail_from.clone().unwrap_or_default();
    let spf = match envelope.client_ip {
        Some(ip) => {
            let spf_params =
                mail_auth::spf::verify::SpfParameters::verify(ip, &helo, "vouch.invalid", mail_from.as_str());
            let out = authenticator.verify_spf(cached(spf_params, &answers)).await;
            verdict.spf = Some(SpfCheck {
                result: spf_word(out.result()).into(),
                domain: out.domain().to_string(),
                client_ip: Some(ip.to_string()),
            });
            out
        }
        None => {
            verdict
                .reasons
                .push("no client IP (no --client-ip and no topmost Received header): SPF not checked".into());
            mail_auth::SpfOutput::new(String::new()).with_result(SpfResult::None)
        }
    };
    let mail_from_domain = match mail_from.rsplit_once('@') {
        Some((_, d)) => d.to_ascii_lowercase(),
        None => helo.to_ascii_lowercase(),
    };
    let dmarc_params = mail_auth::dmarc::verify::DmarcParameters::new(&message, &dkim, &mail_from_domain, &spf);
    let dmarc = authenticator.verify_dmarc(cached(dmarc_params, &answers)).await;
    let has_record = dmarc.dmarc_record().is_some();
    if has_record {
        verdict.dmarc =
            Some(DmarcCheck { result: dmarc_word(&dmarc.result()).into(), policy: policy_word(dmarc.policy()).into() });
    }

    let aligned = |d: &str| relaxed_aligned(d, &from_domain);
    let dkim_aligned_pass =
        dkim.iter().any(|o| o.result() == &DkimResult::Pass && o.signature().is_some_and(|s| aligned(&s.d)));
    let spf_aligned_pass = spf.result() == SpfResult::Pass && aligned(&mail_from_domain);
    let temp = dkim.iter().any(|o| matches!(o.result(), DkimResult::TempError(_)))
        || spf.result() == SpfResult::TempError
        || matches!(dmarc.result(), DmarcResult::TempError(_));
    verdict.result = match dmarc.result() {
        DmarcResult::Pass => {
            verdict.reasons.push(format!("DMARC passed for {from_domain}"));
            Outcome::Pass
        }
        DmarcResult::Fail(_) if has_record => {
            verdict.reasons.push(format!("DMARC failed for {from_domain}: no aligned DKIM or SPF pass"));
            Outcome::Fail
        }
        _ if dkim_aligned_pass || spf_aligned_pass => {
            let how = if dkim_aligned_pass { "DKIM" } else { "SPF" };
            verdict.reasons.push(format!("no DMARC record; {how} passed for {from_domain}"));
            Outcome::Pass
        }
        _ if temp => {
            verdict.reasons.push("a DNS lookup failed; try again later".into());
            Outcome::TempError
        }
        _ => {
            verdict.reasons.push(format!("nothing aligned with {from_domain} passed"));
            Outcome::Fail
        }
    };
    verdict
}

/// Relaxed alignment (RFC 7489, 3.1.1) when there is no DMARC record to
/// walk: `domain` and the From domain have the same organizational domain,
/// the registrable one by the Public Suffix List — `a.example.co.uk` and
/// `b.example.co.uk` align, `foo.co.uk` and `bar.co.uk` do not, and a
/// public suffix itself (`co.uk`, `com`) aligns with nothing.
fn relaxed_aligned(domain: &str, from_domain: &str) -> bool {
    let organizational = |d: &str| {
        let d = d.trim_end_matches('.').to_ascii_lowercase();
        psl::domain_str(&d).map(str::to_string)
    };
    organizational(domain).is_some_and(|org| organizational(from_domain).is_some_and(|from| from == org))
}

type Cached<'x, P> = Parameters<'x, P, Answers<'x>, Answers<'x>, Answers<'x>, Answers<'x>, Answers<'x>>;

/// mail-auth's parameters with every lookup going through [`Answers`].
fn cached<'x, P>(p: P, answers: &'x Answers<'x>) -> Cached<'x, P> {
    Parameters::new(p)
        .with_txt_cache(answers)
        .with_mx_cache(answers)
        .with_ipv4_cache(answers)
        .with_ipv6_cache(answers)
        .with_ptr_cache(answers)
}

fn dkim_word(r: &DkimResult) -> &'static str {
    match r {
        DkimResult::Pass => "pass",
        DkimResult::Neutral(_) => "neutral",
        DkimResult::Fail(_) => "fail",
        DkimResult::PermError(_) => "permerror",
        DkimResult::TempError(_) => "temperror",
        DkimResult::None => "none",
    }
}

fn spf_word(r: SpfResult) -> &'static str {
    match r {
        SpfResult::Pass => "pass",
        SpfResult::Fail => "fail",
        SpfResult::SoftFail => "softfail",
        SpfResult::Neutral => "neutral",
        SpfResult::TempError => "temperror",
        SpfResult::PermError => "permerror",
        SpfResult::None => "none",
    }
}

fn dmarc_word(r: &DmarcResult) -> &'static str {
    match r {
        DmarcResult::Pass => "pass",
        DmarcResult::Fail(_) => "fail",
        DmarcResult::TempError(_) => "temperror",
        DmarcResult::PermError(_) => "permerror",
        DmarcResult::None => "none",
    }
}

fn policy_word(p: DmarcPolicy) -> &'static str {
    match p {
        DmarcPolicy::None | DmarcPolicy::Unspecified => "none",
        DmarcPolicy::Quarantine => "quarantine",
        DmarcPolicy::Reject => "reject",
    }
}

/// The first `Received` and `Return-Path` fields, unfolded.
fn topmost_trace_headers(raw: &[u8]) -> (Option<String>, Option<String>) {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(256 * 1024)]);
    let mut received = None;
    let mut return_path = None;
    let mut current: Option<(String, String)> = None;
    let mut finish = |field: Option<(String, String)>| {
        if let Some((name, value)) = field {
            match name.to_ascii_lowercase().as_str() {
                "received" if received.is_none() => received = Some(value),
                "return-path" if return_path.is_none() => return_path = Some(value),
                _ => {}
            }
        }
    };
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        finish(current.take());
        current = line.split_once(':').map(|(n, v)| (n.trim().to_string(), v.trim().to_string()));
    }
    finish(current);
    (received, return_path)
}

/// `from HELO (rdns [IP]) by ...`: the HELO name and the bracketed IP of
/// the `from` clause.
fn parse_received(value: &str) -> (Option<String>, Option<IpAddr>) {
    let lower = value.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("from ") else { return (None, None) };
    let clause = rest.split(" by ").next().unwrap_or_default();
    let helo = clause.split_whitespace().next().map(str::to_string);
    let ip = clause.split('[').skip(1).find_map(|s| {
        let inside = s.split(']').next()?;
        inside.trim_start_matches("ipv6:").parse::<IpAddr>().ok()
    });
    (helo, ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topmost_received_header_gives_the_client_ip_and_helo() {
        let raw = b"Return-Path: <bob@partner.example>\r\nReceived: from mail.partner.example (mail.partner.example\r\n [192.0.2.10]) by mx.acme.example; Mon, 1 Jan 2026 00:00:00 +0000\r\nReceived: from evil ([203.0.113.9]) by mail.partner.example\r\nFrom: bob@partner.example\r\n\r\nhi";
        let env = Envelope::default().or_from_headers(raw);
        assert_eq!(env.client_ip, Some("192.0.2.10".parse().expect("ip")));
        assert_eq!(env.helo.as_deref(), Some("mail.partner.example"));
        assert_eq!(env.mail_from.as_deref(), Some("bob@partner.example"));
    }

    #[test]
    fn envelope_arguments_win_over_headers_and_ipv6_parses() {
        let raw = b"Received: from x ([IPv6:2001:db8::1]) by mx\r\n\r\n";
        assert_eq!(Envelope::default().or_from_headers(raw).client_ip, Some("2001:db8::1".parse().expect("ip")));
        let given = Envelope { client_ip: Some("192.0.2.1".parse().expect("ip")), ..Default::default() };
        assert_eq!(given.or_from_headers(raw).client_ip, Some("192.0.2.1".parse().expect("ip")));
    }

    #[test]
    fn relaxed_alignment_compares_organizational_domains_by_the_public_suffix_list() {
        for (signer, from, aligned) in [
            ("a.example.co.uk", "b.example.co.uk", true),
            ("example.co.uk", "mail.example.co.uk", true),
            ("Example.CO.UK.", "example.co.uk", true),
            ("foo.co.uk", "bar.co.uk", false),
            // A suffix is nobody's organizational domain, not even under it.
            ("co.uk", "example.co.uk", false),
            ("com", "example.com", false),
            ("mail.partner.example", "partner.example", true),
            ("partner.example", "other.example", false),
            // Private suffixes on the list: separate customers do not align.
            ("alice.github.io", "bob.github.io", false),
            ("localhost", "localhost", false),
        ] {
            assert_eq!(relaxed_aligned(signer, from), aligned, "{signer} vs {from}");
        }
    }

    #[test]
    fn a_zone_file_rejects_unknown_records_and_policy_parses() {
        assert!(Dns::fixed("example.org hello").is_err());
        assert!(
            Dns::fixed("# c\nexample.org \"v=spf1 ip4:192.0.2.0/24 -all\"\n_dmarc.example.org v=DMARC1; p=reject")
                .is_ok()
        );
        assert_eq!("REQUIRE".parse::<Policy>(), Ok(Policy::Require));
        assert!("maybe".parse::<Policy>().is_err());
    }
}
