//! A BPF ring buffer (`BPF_MAP_TYPE_RINGBUF`) mapped into this process, as
//! the kernel lays it out for a consumer: page 0 holds `consumer_pos`
//! (ours to write), page 1 `producer_pos` (read-only), and from page 2 the
//! data area, mapped twice in a row so a record that wraps the end reads as
//! one contiguous slice. aya reads ring buffers only through its own
//! `RingBuf` tied to aya-loaded maps; this one works on any map fd.
//!
//! Records start with an 8-byte header: a u32 length whose top bits say
//! "still being written" (BUSY) or "discarded", then a u32 page offset the
//! kernel uses. The consumer reads the length with acquire ordering, skips
//! busy records until they are committed, and releases each record back to
//! the producer by storing a larger `consumer_pos`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use aya_obj::generated::{BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ};

pub const HDR: u64 = BPF_RINGBUF_HDR_SZ as u64;
pub const BUSY: u32 = BPF_RINGBUF_BUSY_BIT;
pub const DISCARD: u32 = BPF_RINGBUF_DISCARD_BIT;

pub use super::page_size;

/// One mapping of `len` bytes of `fd` at `offset`.
struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(fd: BorrowedFd<'_>, len: usize, prot: libc::c_int, offset: usize) -> io::Result<Mapping> {
        // SAFETY: a fresh shared mapping chosen by the kernel (addr NULL)
        // overlaps nothing of ours; the fd is valid for the call, and the
        // mapping keeps the map alive after the fd is closed.
        let p = unsafe {
            libc::mmap(std::ptr::null_mut(), len, prot, libc::MAP_SHARED, fd.as_raw_fd(), offset as libc::off_t)
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        NonNull::new(p.cast()).map(|ptr| Mapping { ptr, len }).ok_or_else(|| io::Error::other("mmap returned NULL"))
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: ptr/len are exactly what mmap returned, unmapped once;
        // no slice into it outlives `self` (borrows are tied to &self).
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len);
        }
    }
}

/// A ring buffer's consumer view. Not `Sync`: one reader per mapping.
pub struct RingBuf {
    consumer: Mapping,
    /// The producer page and the doubly mapped data area after it.
    producer: Mapping,
    page: usize,
    /// Data area size (the map's max_entries, a power of two).
    size: u64,
}

impl RingBuf {
    /// Map the ring buffer behind `fd`, whose `max_entries` is `size`.
    pub fn map(fd: BorrowedFd<'_>, size: u32) -> io::Result<RingBuf> {
        let page = page_size();
        if !size.is_power_of_two() || (size as usize) < page {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "ring buffer size is not a power-of-two pages"));
        }
        let consumer = Mapping::new(fd, page, libc::PROT_READ | libc::PROT_WRITE, 0)?;
        let producer = Mapping::new(fd, page + 2 * size as usize, libc::PROT_READ, page)?;
        Ok(RingBuf { consumer, producer, page, size: u64::from(size) })
    }

    fn consumer_atomic(&self) -> &AtomicU64 {
        // SAFETY: consumer_pos is the first u64 of the page-aligned consumer
        // page, which lives as long as `self`; the kernel reads it
        // concurrently, hence an atomic.
        unsafe { AtomicU64::from_ptr(self.consumer.ptr.as_ptr().cast()) }
    }

    pub fn consumer_pos(&self) -> u64 {
        self.consumer_atomic().load(Ordering::Acquire)
    }

    /// Hand every byte before `pos` back to the producer. `&mut self`: no
    /// record slice may live past this point, as the kernel reuses the space.
    pub fn set_consumer_pos(&mut self, pos: u64) {
        self.consumer_atomic().store(pos, Ordering::Release);
    }

    pub fn producer_pos(&self) -> u64 {
        // SAFETY: producer_pos is the first u64 of the page-aligned producer
        // page, mapped for the life of `self` and written by the kernel only.
        unsafe { AtomicU64::from_ptr(self.producer.ptr.as_ptr().cast()) }.load(Ordering::Acquire)
    }

    /// The header length word of the record at `pos` (BUSY/DISCARD bits
    /// included), read with acquire ordering so the record body written
    /// before the commit is visible.
    pub fn header(&self, pos: u64) -> u32 {
        let off = self.page + (pos & (self.size - 1)) as usize;
        // SAFETY: off < page + size, 8-aligned (records are 8-aligned and the
        // data area page-aligned), inside the mapping; the kernel writes the
        // word concurrently (commit), hence an atomic.
        unsafe { AtomicU32::from_ptr(self.producer.ptr.as_ptr().add(off).cast()) }.load(Ordering::Acquire)
    }

    /// The `len` bytes of record data after the header at `pos`. Valid until
    /// the consumer position passes it (`set_consumer_pos` takes `&mut`).
    pub fn data(&self, pos: u64, len: u32) -> &[u8] {
        let off = self.page + (pos & (self.size - 1)) as usize + HDR as usize;
        // The data area is mapped twice, so off + len stays inside the
        // mapping for any len the kernel accepts (< size); clamp anyway.
        let len = (len as usize).min(self.producer.len.saturating_sub(off));
        // SAFETY: [off, off+len) is inside the read-only mapping; a committed
        // record is not written by the producer until consumer_pos passes it,
        // which needs `&mut self` while this borrow of `self` is alive.
        unsafe { std::slice::from_raw_parts(self.producer.ptr.as_ptr().add(off), len) }
    }
}

/// Which of `fds` are readable, waiting up to `timeout_ms` (-1: forever).
/// EINTR returns all false, so a caller can check for a stop signal.
pub fn poll_readable(fds: &[BorrowedFd<'_>], timeout_ms: i32) -> io::Result<Vec<bool>> {
    let mut p: Vec<libc::pollfd> =
        fds.iter().map(|fd| libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 }).collect();
    // SAFETY: p is a live array of p.len() pollfds for the call's duration.
    let r = unsafe { libc::poll(p.as_mut_ptr(), p.len() as libc::nfds_t, timeout_ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![false; fds.len()]);
        }
        return Err(e);
    }
    Ok(p.iter().map(|x| x.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0).collect())
}

/// A user ring buffer (`BPF_MAP_TYPE_USER_RINGBUF`) mapped for its one
/// user-space producer: page 0 holds `consumer_pos` (the kernel's, read
/// only), page 1 `producer_pos` (ours), then the data area, mapped twice and
/// writable. A record is reserved by writing its header with the BUSY bit
/// and moving `producer_pos` past it, then committed by clearing BUSY; a BPF
/// program drains committed records with `bpf_user_ringbuf_drain`.
pub struct UserRingBuf {
    consumer: Mapping,
    producer: Mapping,
    page: usize,
    size: u64,
}

impl UserRingBuf {
    pub fn map(fd: BorrowedFd<'_>, size: u32) -> io::Result<UserRingBuf> {
        let page = page_size();
        if !size.is_power_of_two() || (size as usize) < page {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "ring buffer size is not a power-of-two pages"));
        }
        let consumer = Mapping::new(fd, page, libc::PROT_READ, 0)?;
        let producer = Mapping::new(fd, page + 2 * size as usize, libc::PROT_READ | libc::PROT_WRITE, page)?;
        Ok(UserRingBuf { consumer, producer, page, size: u64::from(size) })
    }

    fn consumer_pos(&self) -> u64 {
        // SAFETY: consumer_pos is the first u64 of the page-aligned consumer
        // page, mapped for the life of `self`; the kernel writes it.
        unsafe { AtomicU64::from_ptr(self.consumer.ptr.as_ptr().cast()) }.load(Ordering::Acquire)
    }

    fn producer_atomic(&self) -> &AtomicU64 {
        // SAFETY: producer_pos is the first u64 of the page-aligned producer
        // page, mapped for the life of `self`; the kernel reads it
        // concurrently, hence an atomic.
        unsafe { AtomicU64::from_ptr(self.producer.ptr.as_ptr().cast()) }
    }

    /// Writes one record; false when the ring has no room for it now (the
    /// caller waits for a drain and retries).
    pub fn write(&mut self, data: &[u8]) -> io::Result<bool> {
        let len = u32::try_from(data.len()).ok().filter(|l| *l & (BUSY | DISCARD) == 0);
        let Some(len) = len else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "record too large"));
        };
        let total = (u64::from(len) + HDR + 7) & !7;
        if total > self.size {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "record larger than the ring"));
        }
        let cons = self.consumer_pos();
        let prod = self.producer_atomic().load(Ordering::Relaxed);
        if prod + total - cons > self.size {
            return Ok(false);
        }
        let off = self.page + (prod & (self.size - 1)) as usize;
        let base = self.producer.ptr.as_ptr();
        // SAFETY: [off, off + total) lies in the writable, doubly mapped data
        // area (off < page + size and total <= size), in space the consumer
        // has released (prod + total - cons <= size); the header word is
        // 8-aligned, and nobody else writes this range: we are the only
        // producer and the kernel reads it only after the commit below.
        let hdr = unsafe { AtomicU32::from_ptr(base.add(off).cast()) };
        hdr.store(len | BUSY, Ordering::Relaxed);
        // SAFETY: as above; the page-offset word follows the length word.
        unsafe { AtomicU32::from_ptr(base.add(off + 4).cast()) }.store(0, Ordering::Relaxed);
        self.producer_atomic().store(prod + total, Ordering::Release);
        // SAFETY: the data bytes after the header, inside the reserved range.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), base.add(off + HDR as usize), data.len()) };
        hdr.store(len, Ordering::Release);
        Ok(true)
    }
}
