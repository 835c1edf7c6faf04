#!/usr/bin/env python3
"""syncfs: a FUSE passthrough filesystem that keeps only fsynced file data.

    syncfs.py BACKING MOUNTPOINT [FAIL_FLAG]

Serves BACKING at MOUNTPOINT (in the foreground, until unmounted or killed).
Reads and directory operations pass through. File data written through the
mount is held in this process's memory and reaches BACKING only when the
file is fsynced or fdatasynced: closing, renaming, `sync_file_range` and
time do not make it durable. So BACKING is at every moment what a disk
would hold after a power cut, and a "power cut" is: SIGKILL the program
using the mount, SIGKILL this process (its unsynced data is gone), lazily
unmount, and mount BACKING again.

Directory operations (create, mkdir, rename, unlink, link, mknod, chmod)
reach BACKING at once, as on a journaling filesystem that commits metadata
in order: the harness is about lost file data, and a renamed file whose data
was never synced comes back with its old (possibly empty) content, as it
can on ext4.

With FAIL_FLAG, a dying disk on demand: while a file exists at that path,
every fsync/fdatasync fails with EIO and the data stays unsynced (as after
a failed writeback, readers still see it until the "power" goes).

Used by tests/powerloss.rs and tests/diskfail.rs; needs `fusepy` (PyPI) and libfuse2, and root or
a usable fusermount.
"""

import errno
import os
import sys
import threading

from fuse import FUSE, FuseOSError, Operations


class Volatile:
    """A file's contents as programs see them, with the byte ranges that
    differ from BACKING since its last fsync."""

    def __init__(self, data):
        self.data = bytearray(data)
        self.dirty = []  # (start, end) ranges written since the last fsync
        self.resized = False

    def write(self, offset, buf):
        end = offset + len(buf)
        if end > len(self.data):
            self.data.extend(b"\0" * (end - len(self.data)))
            self.resized = True
        self.data[offset:end] = buf
        self.dirty.append((offset, end))

    def truncate(self, length):
        if length < len(self.data):
            del self.data[length:]
        else:
            self.data.extend(b"\0" * (length - len(self.data)))
        self.dirty = [(s, min(e, length)) for s, e in self.dirty if s < length]
        self.resized = True

    def merged(self):
        out = []
        for s, e in sorted(self.dirty):
            if out and s <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        return out


class SyncFs(Operations):
    def __init__(self, root, fail_flag=None):
        self.root = os.path.realpath(root)
        self.fail_flag = fail_flag
        self.failed_syncs = 0
        self.mutex = threading.RLock()
        self.files = {}  # mount path -> Volatile, for files written through the mount
        self.syncs = 0

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _volatile(self, path):
        v = self.files.get(path)
        if v is None:
            with open(self._full(path), "rb") as f:
                v = Volatile(f.read())
            self.files[path] = v
        return v

    # --- metadata: straight through -------------------------------------

    def getattr(self, path, fh=None):
        with self.mutex:
            st = os.lstat(self._full(path))
            attrs = {k: getattr(st, k) for k in (
                "st_mode", "st_nlink", "st_uid", "st_gid", "st_size",
                "st_atime", "st_mtime", "st_ctime")}
            v = self.files.get(path)
            if v is not None:
                attrs["st_size"] = len(v.data)
            return attrs

    def access(self, path, mode):
        if not os.access(self._full(path), mode):
            raise FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def readlink(self, path):
        return os.readlink(self._full(path))

    def statfs(self, path):
        st = os.statvfs(self._full(path))
        return {k: getattr(st, k) for k in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
            "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._full(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._full(path), times)

    def mknod(self, path, mode, dev):
        os.mknod(self._full(path), mode, dev)

    def mkdir(self, path, mode):
        os.mkdir(self._full(path), mode)

    def rmdir(self, path):
        os.rmdir(self._full(path))

    def symlink(self, name, target):
        os.symlink(target, self._full(name))

    def link(self, target, name):
        os.link(self._full(name), self._full(target))

    def unlink(self, path):
        with self.mutex:
            os.unlink(self._full(path))
            self.files.pop(path, None)

    def rename(self, old, new):
        with self.mutex:
            os.rename(self._full(old), self._full(new))
            self.files.pop(new, None)
            v = self.files.pop(old, None)
            if v is not None:
                self.files[new] = v
            # Files inside a renamed directory.
            prefix = old.rstrip("/") + "/"
            for p in [p for p in self.files if p.startswith(prefix)]:
                self.files[new.rstrip("/") + "/" + p[len(prefix):]] = self.files.pop(p)

    # --- file data: volatile until fsync --------------------------------

    def open(self, path, flags):
        with self.mutex:
            fd = os.open(self._full(path), flags & ~(os.O_TRUNC | os.O_APPEND | os.O_CREAT | os.O_EXCL))
            if flags & os.O_TRUNC:
                self._volatile(path).truncate(0)
            return fd

    def create(self, path, mode, fi=None):
        with self.mutex:
            fd = os.open(self._full(path), os.O_RDWR | os.O_CREAT | os.O_TRUNC, mode)
            self.files[path] = Volatile(b"")
            return fd

    def read(self, path, size, offset, fh):
        with self.mutex:
            v = self.files.get(path)
            if v is not None:
                return bytes(v.data[offset:offset + size])
            return os.pread(fh, size, offset)

    def write(self, path, buf, offset, fh):
        with self.mutex:
            self._volatile(path).write(offset, buf)
            return len(buf)

    def truncate(self, path, length, fh=None):
        with self.mutex:
            self._volatile(path).truncate(length)

    def flush(self, path, fh):
        return 0  # close() makes nothing durable

    def release(self, path, fh):
        os.close(fh)
        return 0

    def fsync(self, path, datasync, fh):
        with self.mutex:
            if self.fail_flag and os.path.exists(self.fail_flag):
                self.failed_syncs += 1
                print(f"syncfs: failing fsync #{self.failed_syncs} of {path}", file=sys.stderr, flush=True)
                raise FuseOSError(errno.EIO)
            v = self.files.get(path)
            if v is None or not (v.dirty or v.resized):
                return 0
            fd = os.open(self._full(path), os.O_WRONLY)
            try:
                for s, e in v.merged():
                    os.pwrite(fd, bytes(v.data[s:e]), s)
                os.ftruncate(fd, len(v.data))
                os.fsync(fd)
            finally:
                os.close(fd)
            v.dirty = []
            v.resized = False
            self.syncs += 1
            return 0

    def fsyncdir(self, path, datasync, fh):
        return 0  # directory operations are already in BACKING


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    backing, mountpoint = sys.argv[1], sys.argv[2]
    fail_flag = sys.argv[3] if len(sys.argv) == 4 else None
    FUSE(SyncFs(backing, fail_flag), mountpoint, foreground=True, nothreads=False, fsname="syncfs")


if __name__ == "__main__":
    main()
