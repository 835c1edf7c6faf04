//! `vouch chat`: the local console. A prompt with history on a terminal;
//! plain lines in, plain replies out when scripted.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use crate::app::{Session, Speaker};
use crate::config::Config;

pub fn run(config: Config, speaker: Speaker) -> anyhow::Result<ExitCode> {
    let history = config.data_dir().join(".chat_history");
    let mut session = Session::open(config)?;
    // Host the control socket so a second `vouch chat` can join this one.
    let socket = match &session {
        Session::Local(app) => Some(app.serve_control_socket()?),
        Session::Remote(_) => None,
    };
    let who = speaker.identity.clone().unwrap_or_default();
    let result = if std::io::stdin().is_terminal() {
        interactive(&mut session, &speaker, &who, &history)
    } else {
        scripted(&mut session, &speaker)
    };
    if let Some(socket) = socket {
        let _ = std::fs::remove_file(socket);
    }
    result
}

fn print_all(texts: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for t in texts {
        writeln!(out, "{t}")?;
    }
    out.flush()?;
    Ok(())
}

fn scripted(session: &mut Session, speaker: &Speaker) -> anyhow::Result<ExitCode> {
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        print_all(&session.say(speaker, &line)?.texts)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn interactive(
    session: &mut Session,
    speaker: &Speaker,
    who: &str,
    history: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let mut editor = rustyline::DefaultEditor::new()?;
    let _ = editor.load_history(history);
    println!("vouch chat as {who} — type `help`, Ctrl-D to leave.");
    let prompt = format!("{who}> ");
    loop {
        match editor.readline(&prompt) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                match session.say(speaker, &line) {
                    Ok(said) => print_all(&said.texts)?,
                    Err(e) => eprintln!("vouch: {e:#}"),
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    let _ = editor.save_history(history);
    Ok(ExitCode::SUCCESS)
}
