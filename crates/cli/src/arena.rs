//! The binary's global allocator: the system allocator, or, for a command that reads its
//! inputs once, builds its models and exits, a bump arena.
//!
//! Why by hand: such a run frees almost nothing before it exits (see `keep_until_exit`),
//! yet with the system allocator it pays for every block twice, once in the allocator's
//! bookkeeping and once in the kernel faulting in a fresh 4 KiB page; at 10 MB that is
//! a third of a diff's time. A bump arena hands out blocks in address order from one
//! reservation advised for transparent huge pages, so a block costs a few instructions and
//! the kernel faults in 2 MiB at a time. It is a switch, not a replacement: it is turned
//! on once, before the work starts (`enable`), it has a budget (once spent, blocks come
//! from the system allocator again), and the server never turns it on. No published
//! allocator offers that switch; the arena itself is some sixty lines.
//!
//! Freed small blocks are kept per thread by size class and handed out again; the last
//! block a thread took grows in place (the common case of a growing `Vec` or `String`);
//! other freed blocks stay until the process exits.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// See the module documentation.
pub struct Allocator;

/// Whether blocks come from the arena (set once by [`enable`]).
static ENABLED: AtomicBool = AtomicBool::new(false);
/// The reservation: `[START, END)`; `NEXT` is where the next chunk begins.
static START: AtomicUsize = AtomicUsize::new(0);
static END: AtomicUsize = AtomicUsize::new(0);
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Each thread bumps inside a chunk of its own, so threads do not contend per block.
const CHUNK: usize = 1 << 20;
/// Blocks at least this large take their own stretch of the reservation.
const LARGE: usize = CHUNK / 4;
/// Blocks are carved in multiples of this (and aligned to it unless asked for more), so
/// that a freed block fits any request of its size class.
const GRAIN: usize = 16;
/// Freed blocks below [`LARGE`] are kept per thread by size class and handed out again,
/// so that a run's short-lived strings and vectors reuse the same, cached, memory instead
/// of touching fresh pages: up to this size the classes are [`GRAIN`] apart, above it
/// there are four per power of two (a block wastes at most a fifth of its room).
const SMALL: usize = 1024;
const STEPS_PER_POWER: usize = 4;
const CLASSES: usize =
    SMALL / GRAIN + STEPS_PER_POWER * (LARGE.trailing_zeros() - SMALL.trailing_zeros()) as usize;

thread_local! {
    /// The thread's chunk: the next free address and the chunk's end.
    static BUMP: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// The thread's last block (its start), which a reallocation may grow in place.
    static LAST: Cell<usize> = const { Cell::new(0) };
    /// Per size class, the first of the freed small blocks (each holds the next one's
    /// address in its first word), or 0.
    static FREE: [Cell<usize>; CLASSES] = const { [const { Cell::new(0) }; CLASSES] };
}

/// Turns the arena on with a budget of `bytes` (rounded up to whole huge pages), on huge
/// pages if `huge_pages` (worth it for a large run only: each one is cleared whole when
/// first touched). Returns false, leaving the system allocator in charge, if the
/// reservation cannot be made. Call once, from the main thread, before the work starts.
pub fn enable(bytes: usize, huge_pages: bool) -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const HUGE_PAGE: usize = 2 << 20;
        if ENABLED.load(Ordering::Relaxed) {
            return true;
        }
        let bytes = bytes.div_ceil(HUGE_PAGE) * HUGE_PAGE;
        // SAFETY: a fresh anonymous private mapping: no existing memory is touched.
        // MAP_NORESERVE: only the pages the run touches count against memory.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes + HUGE_PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if start == libc::MAP_FAILED {
            return false;
        }
        // Start on a huge-page boundary so that every 2 MiB of the arena can be one page.
        let start = (start as usize).next_multiple_of(HUGE_PAGE);
        if huge_pages {
            // SAFETY: advice on the range just mapped; failure only loses the huge pages.
            unsafe {
                libc::madvise(start as *mut libc::c_void, bytes, libc::MADV_HUGEPAGE);
            }
        }
        START.store(start, Ordering::Relaxed);
        NEXT.store(start, Ordering::Relaxed);
        END.store(start + bytes, Ordering::Relaxed);
        ENABLED.store(true, Ordering::Release);
        true
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = (bytes, huge_pages);
        false
    }
}

fn in_arena(ptr: *mut u8) -> bool {
    let address = ptr as usize;
    address >= START.load(Ordering::Relaxed) && address < END.load(Ordering::Relaxed)
}

/// The room a block of `size` bytes takes.
fn room(size: usize) -> usize {
    if size <= SMALL || size >= LARGE {
        align_up(size.max(1), GRAIN)
    } else {
        align_up(size, step(size))
    }
}

/// `value` rounded up to a multiple of `align`, a power of two: with a mask, as
/// `next_multiple_of` divides (a slow instruction, on every block).
fn align_up(value: usize, align: usize) -> usize {
    (value + align - 1) & !(align - 1)
}

/// Between [`SMALL`] and [`LARGE`]: the spacing of the classes for blocks of `size` bytes,
/// a quarter of the power of two just below.
fn step(size: usize) -> usize {
    let power = usize::BITS - 1 - (size - 1).leading_zeros();
    1 << (power - STEPS_PER_POWER.trailing_zeros())
}

/// The free list for blocks of `size` bytes aligned to `align`, if such blocks are kept.
fn class(size: usize, align: usize) -> Option<usize> {
    if align > GRAIN || size >= LARGE {
        return None;
    }
    if size <= SMALL {
        // Most blocks: one class per grain.
        return Some(size.max(1).div_ceil(GRAIN) - 1);
    }
    let room = room(size);
    if room <= SMALL {
        return Some(room / GRAIN - 1);
    }
    // `room` is 5, 6, 7 or 8 steps of its power of two.
    let step = step(size);
    let power = step.trailing_zeros() + STEPS_PER_POWER.trailing_zeros();
    Some(
        SMALL / GRAIN
            + STEPS_PER_POWER * (power - SMALL.trailing_zeros()) as usize
            + (room / step - STEPS_PER_POWER - 1),
    )
}

/// Whether a freed block of the class of `size` bytes aligned to `align` is at hand.
fn has_free(size: usize, align: usize) -> bool {
    class(size, align).is_some_and(|class| FREE.with(|free| free[class].get() != 0))
}

/// Takes `size` bytes from the reservation itself; `None` once the budget is spent.
fn take(size: usize) -> Option<usize> {
    let start = NEXT.fetch_add(size, Ordering::Relaxed);
    (start + size <= END.load(Ordering::Relaxed)).then_some(start)
}

/// A block from the arena, or `None` (then the system allocator serves it).
fn bump(layout: Layout) -> Option<*mut u8> {
    // Alignments above a page are left to the system allocator.
    if layout.align() > 4096 {
        return None;
    }
    if let Some(class) = class(layout.size(), layout.align()) {
        let head = FREE.with(|free| {
            let list = &free[class];
            let head = list.get();
            if head != 0 {
                // SAFETY: a freed block of this class holds the next one's address.
                list.set(unsafe { *(head as *const usize) });
            }
            head
        });
        if head != 0 {
            return Some(head as *mut u8);
        }
    }
    let align = layout.align().max(GRAIN);
    let size = room(layout.size());
    let (next, end) = BUMP.get();
    let start = align_up(next, align);
    if next != 0 && start + size <= end {
        BUMP.set((start + size, end));
        LAST.set(start);
        return Some(start as *mut u8);
    }
    if size >= LARGE {
        // Its own stretch, aligned by rounding the stretch's start up.
        let stretch = take(size + align)?;
        return Some(align_up(stretch, align) as *mut u8);
    }
    let chunk = take(CHUNK)?;
    let start = align_up(chunk, align);
    BUMP.set((start + size, chunk + CHUNK));
    LAST.set(start);
    Some(start as *mut u8)
}

// SAFETY: every block handed out is `layout.size()` bytes aligned to `layout.align()`,
// inside the reservation (which lives until the process exits) and handed out once until
// it is freed; blocks outside the reservation are the system allocator's and go back to it.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ENABLED.load(Ordering::Acquire)
            && let Some(block) = bump(layout)
        {
            return block;
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !in_arena(ptr) {
            // SAFETY: a block of the system allocator, with the caller's guarantees.
            return unsafe { System.dealloc(ptr, layout) };
        }
        if let Some(class) = class(layout.size(), layout.align()) {
            FREE.with(|free| {
                let list = &free[class];
                // SAFETY: the block is ours again and at least a word long and aligned.
                unsafe { *(ptr as *mut usize) = list.get() };
                list.set(ptr as usize);
            });
            if LAST.get() == ptr as usize {
                LAST.set(0);
            }
        } else if LAST.get() == ptr as usize {
            // The thread's last large block gives its room back to the chunk.
            let (next, end) = BUMP.get();
            if next == ptr as usize + room(layout.size()) {
                BUMP.set((ptr as usize, end));
            }
            LAST.set(0);
        }
        // Any other block stays until exit.
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_arena(ptr) {
            // SAFETY: a block of the system allocator, with the caller's guarantees.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let (next, end) = BUMP.get();
        // The thread's last block grows or shrinks in place while its chunk has room,
        // unless a freed block of the new size is at hand: a buffer that grows in place
        // from one size to another on every use would otherwise take fresh memory each
        // time, while the blocks it leaves pile up in a class no one starts at.
        if LAST.get() == ptr as usize
            && next == ptr as usize + room(layout.size())
            && ptr as usize + room(new_size) <= end
            && (new_size <= layout.size() || !has_free(new_size, layout.align()))
        {
            BUMP.set((ptr as usize + room(new_size), end));
            return ptr;
        }
        if new_size <= layout.size() {
            // Freed later with the smaller size: it goes to a class its room covers.
            return ptr;
        }
        // SAFETY: the new layout is valid (same alignment, size checked by the caller).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as in `alloc`.
        let block = unsafe { self.alloc(new_layout) };
        if !block.is_null() {
            // SAFETY: both blocks are valid for the smaller size and do not overlap; the
            // old block is freed once, after the copy.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, block, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes_cover_their_blocks_and_stay_in_range() {
        let mut last = (usize::MAX, 0);
        for size in 1..LARGE {
            let room = room(size);
            assert!(
                room >= size && room.is_multiple_of(GRAIN),
                "room {room} for {size}"
            );
            assert!(room - size < size / 4 + GRAIN, "waste of {size}: {room}");
            let class = class(size, 8).expect("a class below LARGE");
            assert!(class < CLASSES);
            // Classes rise with the room, and one class has one room.
            if class == last.0 {
                assert_eq!(room, last.1, "class {class}");
            } else {
                assert!(size == 1 || class == last.0 + 1, "class of {size}");
            }
            last = (class, room);
        }
        assert_eq!(class(LARGE, 8), None);
        assert_eq!(class(64, 32), None);
    }

    // One test owns the switch: the arena stays on for the rest of the test process.
    #[test]
    fn arena_blocks_are_aligned_distinct_and_grow_in_place() {
        assert!(enable(64 << 20, false));
        let allocator = Allocator;
        let mut blocks = Vec::new();
        for (size, align) in [
            (1, 1),
            (24, 8),
            (3, 2),
            (100, 64),
            (LARGE + 5, 16),
            (7, 4096),
        ] {
            let layout = Layout::from_size_align(size, align).expect("layout");
            // SAFETY: a non-zero size.
            let block = unsafe { allocator.alloc(layout) };
            assert!(!block.is_null());
            assert_eq!(block as usize % align, 0, "aligned to {align}");
            assert!(in_arena(block));
            // SAFETY: the block is `size` bytes.
            unsafe { std::ptr::write_bytes(block, 0xAB, size) };
            blocks.push((block as usize, size));
        }
        blocks.sort();
        for pair in blocks.windows(2) {
            assert!(
                pair[0].0 + pair[0].1 <= pair[1].0,
                "blocks overlap: {pair:?}"
            );
        }
        // The last block grows in place and keeps its bytes.
        let layout = Layout::from_size_align(16, 8).expect("layout");
        // SAFETY: as above.
        unsafe {
            let block = allocator.alloc(layout);
            std::ptr::write_bytes(block, 7, 16);
            let grown = allocator.realloc(block, layout, 4000);
            assert_eq!(grown, block);
            let next = allocator.alloc(layout);
            assert!(next as usize >= block as usize + 4000);
            // A block that is no longer the last moves, with its bytes.
            let moved = allocator.realloc(block, Layout::from_size_align(4000, 8).unwrap(), 9000);
            assert_ne!(moved, block);
            assert!((0..16).all(|i| *moved.add(i) == 7));
        }
        // A freed small block is handed out again for a request of its size class.
        let layout = Layout::from_size_align(40, 8).expect("layout");
        // SAFETY: as above.
        unsafe {
            let block = allocator.alloc(layout);
            let other = allocator.alloc(layout);
            allocator.dealloc(block, layout);
            let again = allocator.alloc(Layout::from_size_align(33, 4).expect("layout"));
            assert_eq!(again, block);
            assert_ne!(again, other);
            // Above the grain classes, four classes per power of two.
            let middle = Layout::from_size_align(3000, 8).expect("layout");
            let block = allocator.alloc(middle);
            let _keep = allocator.alloc(layout);
            allocator.dealloc(block, middle);
            let again = allocator.alloc(Layout::from_size_align(3072, 16).expect("layout"));
            assert_eq!(again, block);
        }
        // A last block that grows to a size of which a freed block is at hand moves
        // there, with its bytes, instead of taking fresh room.
        // SAFETY: as above.
        unsafe {
            let spare_layout = Layout::from_size_align(2000, 8).expect("layout");
            let spare = allocator.alloc(spare_layout);
            let _keep = allocator.alloc(Layout::from_size_align(24, 8).expect("layout"));
            allocator.dealloc(spare, spare_layout);
            let start = Layout::from_size_align(1000, 8).expect("layout");
            let block = allocator.alloc(start);
            std::ptr::write_bytes(block, 9, 1000);
            let grown = allocator.realloc(block, start, 1990);
            assert_eq!(grown, spare);
            assert!((0..1000).all(|i| *grown.add(i) == 9));
            // With no such block at hand, the last block grows in place (the first block
            // of this size is the one freed by the move).
            let _freed = allocator.alloc(start);
            let last = allocator.alloc(start);
            assert_eq!(allocator.realloc(last, start, 1990), last);
        }
        // Once the budget is spent, blocks come from the system allocator.
        let huge = Layout::from_size_align(128 << 20, 8).expect("layout");
        // SAFETY: as above; freed right after.
        unsafe {
            let block = allocator.alloc(huge);
            assert!(!block.is_null());
            assert!(!in_arena(block));
            allocator.dealloc(block, huge);
        }
    }
}
