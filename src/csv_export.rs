//! `vouch export --csv referrals|rewards`: the organizer's spreadsheet view
//! of a consistent snapshot (the same dump `export` writes as JSON, taken
//! over the control socket while `serve` runs).
//!
//! Names, notes and companies come from members and mail, and spreadsheets
//! run a cell that starts with `=`, `+`, `-` or `@` as a formula ("CSV
//! injection"); such cells get a leading `'`, which spreadsheets show as
//! text. Amounts are plain decimals so they sum.

use std::collections::HashMap;
use std::io::Write;

use vouch_store::{Dump, Member, MemberId, ProgramId, Side};

/// Which table to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    /// One row per referral, with its stage and both people.
    Referrals,
    /// One row per reward ledger entry (the payout side).
    Rewards,
    /// One row per member: who they are, how they can be reached, what they brought.
    Members,
}

/// A cell a spreadsheet will not run as a formula.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

pub fn write(dump: &Dump, table: Table, out: impl Write) -> anyhow::Result<usize> {
    let members: HashMap<MemberId, &Member> = dump.members.iter().map(|m| (m.id, m)).collect();
    let programs: HashMap<ProgramId, &str> = dump.programs.iter().map(|p| (p.id, p.slug.as_str())).collect();
    let name = |id: MemberId| members.get(&id).map_or_else(|| id.to_string(), |m| m.display_name.clone());
    let email = |id: MemberId| members.get(&id).and_then(|m| m.email.as_ref()).map(|e| e.as_str().to_string());
    let program = |id: ProgramId| programs.get(&id).copied().unwrap_or_default().to_string();
    let date = |t: vouch_store::Timestamp| t.format("%Y-%m-%d").to_string();
    let mut csv = csv::Writer::from_writer(out);
    let mut rows = 0;
    match table {
        Table::Referrals => {
            csv.write_record([
                "id",
                "date",
                "program",
                "state",
                "introduction",
                "source",
                "referrer",
                "referrer_email",
                "referred",
                "referred_email",
                "company",
                "value",
                "note",
                "reason",
            ])?;
            for r in &dump.referrals {
                let company = members.get(&r.referred).and_then(|m| m.company.clone());
                let source = serde_json::to_value(r.source)?.as_str().unwrap_or_default().to_string();
                csv.write_record([
                    r.id.to_string(),
                    date(r.created_at),
                    program(r.program),
                    r.state.as_str().to_string(),
                    vouch_core::introduction_stage(r).unwrap_or_default().to_string(),
                    source,
                    cell(&name(r.referrer)),
                    cell(&email(r.referrer).unwrap_or_default()),
                    cell(&name(r.referred)),
                    cell(&email(r.referred).unwrap_or_default()),
                    cell(&company.unwrap_or_default()),
                    r.value.map(|v| v.plain()).unwrap_or_default(),
                    cell(&r.note),
                    cell(r.reject_reason.as_deref().unwrap_or_default()),
                ])?;
                rows += 1;
            }
        }
        Table::Rewards => {
            csv.write_record([
                "id", "date", "program", "referral", "member", "email", "side", "reward", "cost", "currency", "status",
            ])?;
            for w in &dump.rewards {
                let side = match w.side {
                    Side::Referrer => "referrer",
                    Side::Referred => "referred",
                };
                csv.write_record([
                    w.id.to_string(),
                    date(w.created_at),
                    program(w.program),
                    w.referral.to_string(),
                    cell(&name(w.member)),
                    cell(&email(w.member).unwrap_or_default()),
                    side.to_string(),
                    cell(&w.reward.describe(&w.currency)),
                    w.cost.plain(),
                    w.currency.clone(),
                    w.status.as_str().to_string(),
                ])?;
                rows += 1;
            }
        }
        Table::Members => {
            csv.write_record([
                "id",
                "name",
                "email",
                "company",
                "roles",
                "joined",
                "identities",
                "referred",
                "converted",
                "public_thanks",
                "opted_out",
            ])?;
            // Grouped once: one pass over identities and referrals, not one per member.
            let mut identities: HashMap<MemberId, Vec<&vouch_store::Identity>> = HashMap::new();
            for i in &dump.identities {
                identities.entry(i.member).or_default().push(i);
            }
            let mut made: HashMap<MemberId, (usize, usize)> = HashMap::new();
            for r in &dump.referrals {
                let won =
                    matches!(r.state, vouch_store::ReferralState::Converted | vouch_store::ReferralState::Rewarded);
                let counts = made.entry(r.referrer).or_default();
                counts.0 += 1;
                counts.1 += usize::from(won);
            }
            for m in &dump.members {
                let identities = identities.get(&m.id).map(Vec::as_slice).unwrap_or_default();
                let (referred, converted) = made.get(&m.id).copied().unwrap_or_default();
                let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
                let keys: Vec<String> = identities.iter().map(|i| i.key.to_string()).collect();
                csv.write_record([
                    m.id.to_string(),
                    cell(&m.display_name),
                    cell(m.email.as_ref().map(|e| e.as_str()).unwrap_or_default()),
                    cell(m.company.as_deref().unwrap_or_default()),
                    roles.join(" "),
                    date(m.joined_at),
                    cell(&keys.join(" ")),
                    referred.to_string(),
                    converted.to_string(),
                    m.public_thanks.to_string(),
                    identities.iter().any(|i| i.opted_out).to_string(),
                ])?;
                rows += 1;
            }
        }
    }
    csv.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text_and_plain_cells_stay() {
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for risky in ["+1", "-2+3", "@SUM(A1)", "\tx"] {
            assert!(cell(risky).starts_with('\''), "{risky}");
        }
        assert_eq!(cell("Jane Doe"), "Jane Doe");
        assert_eq!(cell(""), "");
    }
}
