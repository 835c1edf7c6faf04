//! vouch-bots: chat platform adapters. Each turns platform events into engine
//! calls and renders the engine's replies back; no business rule lives here.

pub mod discord;
pub mod http_server;
pub mod telegram;
pub mod webhook;
