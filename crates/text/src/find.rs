//! Byte searches of the plain-text readers. Lines are short (a hundred bytes or so): a
//! general byte search called once per line spends more on starting than on searching,
//! so the text is read in 64-byte blocks, each turned into a mask of the bytes sought,
//! and every hit is taken from the masks.

/// Calls `f` with the place of every byte of `bytes` equal to one of `sought`, in order,
/// while `f` returns `true`. Returns whether every hit was passed (no `false`).
#[inline]
pub(crate) fn each_of<const N: usize>(
    bytes: &[u8],
    sought: [u8; N],
    f: impl FnMut(usize) -> bool,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { each_of_avx2(bytes, sought, f) }
        } else {
            // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
            unsafe { each_of_sse2(bytes, sought, f) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    each_of_from(bytes, 0, sought, f)
}

/// [`each_of`] from `at` on, byte by byte (the end of the text, past its last block).
#[inline(always)]
fn each_of_from<const N: usize>(
    bytes: &[u8],
    at: usize,
    sought: [u8; N],
    mut f: impl FnMut(usize) -> bool,
) -> bool {
    for (i, b) in bytes[at..].iter().enumerate() {
        if sought.contains(b) && !f(at + i) {
            return false;
        }
    }
    true
}

/// Calls `f` with the bits set in `hits` (one per byte from `at`), lowest first; `false`
/// when `f` says to stop.
#[inline(always)]
fn each_hit(mut hits: u64, at: usize, f: &mut impl FnMut(usize) -> bool) -> bool {
    while hits != 0 {
        if !f(at + hits.trailing_zeros() as usize) {
            return false;
        }
        hits &= hits - 1;
    }
    true
}

/// [`each_of`] with 64-byte blocks read as two 32-byte vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn each_of_avx2<const N: usize>(
    bytes: &[u8],
    sought: [u8; N],
    mut f: impl FnMut(usize) -> bool,
) -> bool {
    use std::arch::x86_64::*;
    let needles = sought.map(|b| _mm256_set1_epi8(b as i8));
    let mask = |chunk: &[u8]| {
        // SAFETY: the chunk holds 32 bytes; the load takes any alignment.
        let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) };
        let mut hits = _mm256_setzero_si256();
        for needle in needles {
            hits = _mm256_or_si256(hits, _mm256_cmpeq_epi8(v, needle));
        }
        u64::from(_mm256_movemask_epi8(hits) as u32)
    };
    let mut at = 0;
    while at + 64 <= bytes.len() {
        let hits = mask(&bytes[at..at + 32]) | mask(&bytes[at + 32..at + 64]) << 32;
        if !each_hit(hits, at, &mut f) {
            return false;
        }
        at += 64;
    }
    each_of_from(bytes, at, sought, f)
}

/// [`each_of`] with 64-byte blocks read as four 16-byte vectors.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn each_of_sse2<const N: usize>(
    bytes: &[u8],
    sought: [u8; N],
    mut f: impl FnMut(usize) -> bool,
) -> bool {
    use std::arch::x86_64::*;
    let needles = sought.map(|b| _mm_set1_epi8(b as i8));
    let mask = |chunk: &[u8]| {
        // SAFETY: the chunk holds 16 bytes; the load takes any alignment.
        let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
        let mut hits = _mm_setzero_si128();
        for needle in needles {
            hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, needle));
        }
        u64::from(_mm_movemask_epi8(hits) as u16)
    };
    let mut at = 0;
    while at + 64 <= bytes.len() {
        let hits = mask(&bytes[at..at + 16])
            | mask(&bytes[at + 16..at + 32]) << 16
            | mask(&bytes[at + 32..at + 48]) << 32
            | mask(&bytes[at + 48..at + 64]) << 48;
        if !each_hit(hits, at, &mut f) {
            return false;
        }
        at += 64;
    }
    each_of_from(bytes, at, sought, f)
}

/// The number of bytes of `bytes` equal to `byte`.
pub(crate) fn count(bytes: &[u8], byte: u8) -> usize {
    let mut n = 0;
    each_of(bytes, [byte], |_| {
        n += 1;
        true
    });
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every hit is found, in order, as a byte-by-byte search finds them; a `false`
        /// stops the search there.
        #[test]
        fn hits_are_those_of_a_byte_search(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'\n', b'\r', b'[', 0xC2, 0xA0]),
                0..300,
            ),
            stop_after in 0usize..20,
        ) {
            let sought = [b'\n', b'\r', b'['];
            let expected: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| sought.contains(b))
                .map(|(i, _)| i)
                .collect();
            let mut found = Vec::new();
            let all = each_of(&bytes, sought, |at| {
                found.push(at);
                true
            });
            proptest::prop_assert!(all);
            proptest::prop_assert_eq!(&found, &expected);
            let mut first = Vec::new();
            let all = each_of(&bytes, sought, |at| {
                first.push(at);
                first.len() <= stop_after
            });
            proptest::prop_assert_eq!(all, expected.len() <= stop_after);
            proptest::prop_assert_eq!(&first[..], &expected[..first.len()]);
            #[cfg(target_arch = "x86_64")]
            {
                // The SSE2 blocks, which processors without AVX2 read.
                let mut found = Vec::new();
                // SAFETY: SSE2 is part of every x86_64 processor.
                unsafe {
                    each_of_sse2(&bytes, sought, |at| {
                        found.push(at);
                        true
                    })
                };
                proptest::prop_assert_eq!(&found, &expected);
            }
            proptest::prop_assert_eq!(
                count(&bytes, b'\n'),
                bytes.iter().filter(|&&b| b == b'\n').count()
            );
        }
    }
}
