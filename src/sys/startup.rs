//! What std's start-up would do and bpfpin's `main` (which skips it, see
//! src/main.rs) does itself: standard fds that are not open are opened on
//! /dev/null, and SIGPIPE is ignored.

/// std's sanitize_standard_fds: a standard fd that is not open is opened on
/// /dev/null (read-write, as std does, which `Out` relies on).
/// Whether fd 1 was closed when the process started (and is now the
/// /dev/null placeholder): the output layer then refuses to write, instead
/// of silently discarding. Recorded here, not guessed later from what fd 1
/// is, since `1<>/dev/null` looks the same as the placeholder.
static STDOUT_WAS_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn stdout_was_closed() -> bool {
    STDOUT_WAS_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn sanitize_standard_fds() {
    let mut pfds = [0, 1, 2].map(|fd| libc::pollfd { fd, events: 0, revents: 0 });
    // SAFETY: `pfds` is a live array of 3 pollfds; a zero timeout never blocks.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), 3, 0) };
    for p in pfds {
        // poll itself failing (rare: EINTR, ENOMEM): ask each fd directly.
        // SAFETY: F_GETFD only reads the fd's flags.
        let closed = if r == -1 {
            let flags = unsafe { libc::fcntl(p.fd, libc::F_GETFD) };
            flags == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
        } else {
            p.revents & libc::POLLNVAL != 0
        };
        // SAFETY: a constant NUL-terminated path; the lowest free fd (this
        // one, as the lower ones are open by now) is taken.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0) } == -1 {
            std::process::abort();
        }
        if closed && p.fd == 1 {
            STDOUT_WAS_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// A closed pipe becomes an EPIPE error, which the output layer treats as a
/// quiet end, instead of killing the process.
pub fn ignore_sigpipe() {
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}
