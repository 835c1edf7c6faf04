//! The champions' wish list: the people and companies organizers most want
//! an introduction to. PLAYBOOK's "very specific ask": shown to champions
//! (`wishes`, event invitations), and marked met when an introduction names
//! the company.

use serde::{Deserialize, Serialize};

use crate::{MemberId, ReferralId, Timestamp, WishId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wish {
    pub id: WishId,
    /// Who or what: "Northwind Traders", "the CFO of Contoso".
    pub target: String,
    /// The company's mail domain (`northwind.example`): an introduction of
    /// anyone there meets the wish.
    #[serde(default)]
    pub domain: Option<String>,
    pub added_by: MemberId,
    pub added_at: Timestamp,
    pub state: WishState,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum WishState {
    Open,
    /// An introduction named the company: who made it, which referral.
    Met {
        referral: ReferralId,
        by: MemberId,
        at: Timestamp,
    },
    /// Taken off the list by an organizer.
    Dropped {
        at: Timestamp,
    },
}
