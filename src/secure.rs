//! The data dir holds the store, backups, exports and the local mail outbox:
//! member addresses, referral history and the link-signing key. Nothing in it
//! is for other users of the machine, so vouch creates everything private
//! (umask 077: directories 0700, files 0600) and tightens a data dir that an
//! earlier version or a hand-made `mkdir` left readable.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rustix::fs::Mode;

/// Every file and directory this process creates from now on is private.
pub fn private_by_default() {
    rustix::process::umask(Mode::from_raw_mode(0o077));
}

/// Creates `dir` (0700) if needed and takes group and other bits off it and
/// everything below it. A directory that is already private hides what is
/// in it, so the walk goes down only where it found something loose: a
/// private data dir costs one `stat`, however much mail it holds. Returns
/// how many entries were tightened.
pub fn tighten(dir: &Path) -> io::Result<usize> {
    fs::create_dir_all(dir)?;
    let mut tightened = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            continue;
        }
        let mode = meta.permissions().mode();
        let loose = mode & 0o077 != 0;
        if loose {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o700))?;
            tightened += 1;
        }
        if loose && meta.is_dir() {
            for entry in fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        }
    }
    Ok(tightened)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn a_readable_tree_becomes_private_and_a_private_one_is_left_alone() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        fs::create_dir_all(dir.join("mail/new")).expect("mkdir");
        fs::write(dir.join("mail/new/1.eml"), "x").expect("write");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod");
        fs::set_permissions(dir.join("mail"), fs::Permissions::from_mode(0o775)).expect("chmod");
        fs::set_permissions(dir.join("mail/new/1.eml"), fs::Permissions::from_mode(0o644)).expect("chmod");
        fs::set_permissions(dir.join("mail/new"), fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(tighten(&dir).expect("tighten"), 4);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("mail")), 0o700);
        assert_eq!(mode(&dir.join("mail/new")), 0o700);
        assert_eq!(mode(&dir.join("mail/new/1.eml")), 0o600);
        assert_eq!(tighten(&dir).expect("again"), 0, "nothing left to tighten");
    }
}
