//! Logging: every crate logs through `tracing`; this prints it on stderr,
//! one line per event as vouch always has (`vouch: imap: message 3: …`, with
//! `warning:` / `error:` in front of those levels), filtered by `VOUCH_LOG`
//! (EnvFilter syntax: `warn`, `info` (the default), `vouch_bots=debug,info`).
//! A journal or log shipper adds its own timestamps.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The variable that sets what is logged.
pub const VAR: &str = "VOUCH_LOG";

/// Installs the stderr logger. A filter that does not parse is reported and
/// replaced by the default, never a reason not to start.
pub fn init() {
    let (filter, bad) = filter(std::env::var(VAR).ok().as_deref());
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .event_format(Line)
        .try_init()
        .is_ok();
    if let (true, Some(why)) = (installed, bad) {
        tracing::warn!("{VAR}: {why}; logging at info");
    }
}

/// The filter for `value` (unset or empty: `info`), and why it was refused.
fn filter(value: Option<&str>) -> (EnvFilter, Option<String>) {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => (EnvFilter::new("info"), None),
        Some(v) => match EnvFilter::try_new(v) {
            Ok(filter) => (filter, None),
            Err(e) => (EnvFilter::new("info"), Some(format!("{v:?} is not a filter ({e})"))),
        },
    }
}

/// `vouch: [level: ]message key=value…`.
struct Line;

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let tag = match *event.metadata().level() {
            Level::ERROR => "error: ",
            Level::WARN => "warning: ",
            Level::INFO => "",
            Level::DEBUG => "debug: ",
            Level::TRACE => "trace: ",
        };
        write!(writer, "vouch: {tag}")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_defaults_to_info_and_refuses_nonsense_politely() {
        assert_eq!(filter(None).0.to_string(), "info");
        assert_eq!(filter(Some("  ")).0.to_string(), "info");
        let (f, bad) = filter(Some("vouch_bots=debug,warn"));
        assert!(bad.is_none());
        assert!(f.to_string().contains("vouch_bots=debug"), "{f}");
        let (f, bad) = filter(Some("vouch_bots=loud"));
        assert_eq!(f.to_string(), "info");
        assert!(bad.is_some_and(|why| why.contains("vouch_bots=loud")));
    }
}
