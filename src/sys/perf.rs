//! Perf buffers for a `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: one
//! `PERF_COUNT_SW_BPF_OUTPUT` event per CPU (what bpf_perf_event_output
//! writes into), its ring mmap'ed, and its fd stored in the map under the
//! CPU's index. aya has this only inside its `PerfEventArray` for maps it
//! loaded; bpfpin reads any map by fd.
//!
//! The mmap'ed ring is one metadata page (`perf_event_mmap_page`:
//! `data_head` written by the kernel, `data_tail` by us) and 2^n data
//! pages. Records are `perf_event_header` + body and may wrap the end of
//! the data area, so they are copied out.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use aya_obj::generated::{
    PERF_EVENT_IOC_ENABLE, PERF_FLAG_FD_CLOEXEC, perf_event_attr, perf_event_mmap_page,
    perf_event_sample_format::{PERF_SAMPLE_RAW, PERF_SAMPLE_TIME},
    perf_sw_ids::PERF_COUNT_SW_BPF_OUTPUT,
    perf_type_id::PERF_TYPE_SOFTWARE,
};

use super::ringbuf::page_size;

/// One CPU's BPF output event and its mapped ring.
pub struct PerfBuf {
    fd: OwnedFd,
    base: NonNull<u8>,
    len: usize,
    data_off: usize,
    data_size: u64,
}

impl PerfBuf {
    /// perf_event_open a BPF output event on `cpu` (samples carry the time
    /// and the raw record, as bpftool asks), map `pages` data pages (a power
    /// of two) and enable it. The fd goes into the map afterwards.
    pub fn open(cpu: u32, pages: usize) -> io::Result<PerfBuf> {
        // SAFETY: perf_event_attr is plain data; all-zero is the documented
        // "nothing set" value.
        let mut attr: perf_event_attr = unsafe { std::mem::zeroed() };
        attr.type_ = PERF_TYPE_SOFTWARE as u32;
        attr.size = std::mem::size_of::<perf_event_attr>() as u32;
        attr.config = PERF_COUNT_SW_BPF_OUTPUT as u64;
        attr.sample_type = PERF_SAMPLE_RAW as u64 | PERF_SAMPLE_TIME as u64;
        attr.__bindgen_anon_1.sample_period = 1;
        attr.__bindgen_anon_2.wakeup_events = 1;
        // SAFETY: attr is a live, fully initialised perf_event_attr whose
        // `size` field matches; pid -1 with a cpu means "every task on cpu".
        let r = unsafe {
            libc::syscall(
                libc::SYS_perf_event_open,
                &attr as *const perf_event_attr,
                -1 as libc::pid_t,
                cpu as libc::c_int,
                -1 as libc::c_int,
                PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: r is a new fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(r as i32) };
        let page = page_size();
        let len = page * (pages + 1);
        // SAFETY: a fresh kernel-chosen shared mapping of the event's ring;
        // it overlaps nothing of ours.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = NonNull::new(p.cast::<u8>()).ok_or_else(|| io::Error::other("mmap returned NULL"))?;
        let mut b = PerfBuf { fd, base, len, data_off: page, data_size: (page * pages) as u64 };
        // Kernels since 4.1 say where the data area is; trust that when set.
        let (off, size) = (
            b.meta_u64(std::mem::offset_of!(perf_event_mmap_page, data_offset)),
            b.meta_u64(std::mem::offset_of!(perf_event_mmap_page, data_size)),
        );
        if size != 0 && (off as usize).saturating_add(size as usize) <= len && size.is_power_of_two() {
            (b.data_off, b.data_size) = (off as usize, size);
        }
        // SAFETY: PERF_EVENT_IOC_ENABLE takes no argument on a valid perf fd.
        if unsafe { libc::ioctl(b.fd.as_raw_fd(), PERF_EVENT_IOC_ENABLE as _, 0) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(b)
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    fn meta(&self, off: usize) -> &AtomicU64 {
        // SAFETY: callers pass offsets of u64 fields of perf_event_mmap_page,
        // which is the first (page-aligned) page of the mapping owned by
        // self; the kernel updates them concurrently, hence atomics.
        unsafe { AtomicU64::from_ptr(self.base.as_ptr().add(off).cast()) }
    }

    fn meta_u64(&self, off: usize) -> u64 {
        self.meta(off).load(Ordering::Acquire)
    }

    /// How far the kernel has written (acquire: the bytes before it are visible).
    pub fn head(&self) -> u64 {
        self.meta_u64(std::mem::offset_of!(perf_event_mmap_page, data_head))
    }

    pub fn tail(&self) -> u64 {
        self.meta_u64(std::mem::offset_of!(perf_event_mmap_page, data_tail))
    }

    /// Give the bytes before `pos` back to the kernel (release: our reads
    /// of them are done).
    pub fn set_tail(&mut self, pos: u64) {
        self.meta(std::mem::offset_of!(perf_event_mmap_page, data_tail)).store(pos, Ordering::Release);
    }

    pub fn data_size(&self) -> u64 {
        self.data_size
    }

    /// Copy `out.len()` bytes starting at ring position `pos`, wrapping at
    /// the end of the data area.
    pub fn copy(&self, pos: u64, out: &mut [u8]) {
        let n = out.len().min(self.data_size as usize);
        let start = (pos & (self.data_size - 1)) as usize;
        let first = n.min(self.data_size as usize - start);
        // SAFETY: data_off + data_size <= len (checked at open), start <
        // data_size, and first/second stay inside the data area; the kernel
        // does not write bytes between tail and head, which is where callers
        // read.
        unsafe {
            let data = self.base.as_ptr().add(self.data_off);
            std::ptr::copy_nonoverlapping(data.add(start), out.as_mut_ptr(), first);
            std::ptr::copy_nonoverlapping(data, out.as_mut_ptr().add(first), n - first);
        }
    }
}

impl Drop for PerfBuf {
    fn drop(&mut self) {
        // SAFETY: base/len are what mmap returned, unmapped once; the fd is
        // closed after (OwnedFd drops after this body).
        unsafe {
            libc::munmap(self.base.as_ptr().cast(), self.len);
        }
    }
}
