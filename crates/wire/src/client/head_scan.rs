//! When to run the head parser again on a head that is still arriving.
//!
//! httparse is stateless: every call parses from the first byte. Called on every read of a head
//! that a server drips in one byte at a time, that is quadratic (a 64 KiB head would be scanned
//! about two billion bytes' worth). So the call re-parses only when it could matter:
//! - the new bytes hold a blank line: the head may be complete;
//! - the new bytes end a line, for the first `max_headers + 2` lines: a broken line is
//!   reported as soon as it ends (a valid head has no more lines than that, so a flood of
//!   lines cannot buy more parses than the field limit allows);
//! - the budget is reached: the verdict is due;
//! - the input has doubled since the last parse: a long line dripped byte by byte costs a
//!   logarithmic number of parses, linear work in total.
//!
//! The outcome does not change, only its timing: a rule broken in a prefix of the head is broken
//! in every longer input, and the last parse always covers the complete head, the budget, or
//! (through `end_of_input`) what was left at EOF. The one difference: a server that stops in
//! the middle of a broken line and neither closes nor sends more may be noticed by the
//! caller's read timeout rather than by the parser.

/// How much of the pending head has been looked at.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct HeadScan {
    /// Bytes already searched for a blank line.
    searched: usize,
    /// Input length at the last parse; 0 before the first.
    parsed: usize,
    /// Parses spent on line ends so far.
    line_parses: usize,
}

impl HeadScan {
    /// Whether parsing `input` now could produce something other than "partial".
    pub(super) fn worth_parsing(
        &mut self,
        input: &[u8],
        budget: usize,
        max_headers: usize,
    ) -> bool {
        let window = &input[..input.len().min(budget)];
        let new_line = window[self.searched.min(window.len())..].contains(&b'\n');
        // Back up two bytes so that a blank line split across reads is still found.
        let from = self.searched.saturating_sub(2).min(window.len());
        self.searched = window.len();
        let line_due = new_line && self.line_parses < max_headers.saturating_add(2);
        if line_due {
            self.line_parses += 1;
        }
        // The blank-line search is the only test that costs more than a comparison, and a head
        // that arrives whole is due anyway (first parse): so it goes last.
        let due = line_due
            || input.len() >= budget
            || input.len() >= 2 * self.parsed
            || has_blank_line(&window[from..]);
        if due {
            self.parsed = input.len();
        }
        due && !input.is_empty()
    }

    /// What [`worth_parsing`](Self::worth_parsing) does with empty input (it says no), without
    /// looking at anything: callers often ask once before their first read.
    pub(super) fn offered_nothing(&mut self, budget: usize) {
        self.searched = 0;
        if budget == 0 {
            self.parsed = 0;
        }
    }

    /// Starts over for the next head.
    pub(super) fn reset(&mut self) {
        *self = HeadScan::default();
    }
}

/// Whether `bytes` holds an empty line: LF followed by LF, or by CR LF.
fn has_blank_line(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some(lf) = rest.iter().position(|&b| b == b'\n') {
        rest = &rest[lf + 1..];
        if rest.starts_with(b"\n") || rest.starts_with(b"\r\n") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::HeadScan;
    use proptest::prelude::*;

    /// The scan as first written: every test evaluated on every call, the blank line searched
    /// byte by byte.
    fn reference(scan: &mut HeadScan, input: &[u8], budget: usize, max_headers: usize) -> bool {
        let window = &input[..input.len().min(budget)];
        let new_line = window[scan.searched.min(window.len())..].contains(&b'\n');
        let from = scan.searched.saturating_sub(2).min(window.len());
        let blank_line = (from..window.len()).any(|i| {
            window[i] == b'\n'
                && match window.get(i + 1) {
                    Some(b'\n') => true,
                    Some(b'\r') => window.get(i + 2) == Some(&b'\n'),
                    _ => false,
                }
        });
        scan.searched = window.len();
        let line_due = new_line && scan.line_parses < max_headers.saturating_add(2);
        if line_due {
            scan.line_parses += 1;
        }
        let due = blank_line || line_due || input.len() >= budget || input.len() >= 2 * scan.parsed;
        if due {
            scan.parsed = input.len();
        }
        due && !input.is_empty()
    }

    fn state(scan: &HeadScan) -> [usize; 3] {
        [scan.searched, scan.parsed, scan.line_parses]
    }

    proptest! {
        /// Same answers and same state as the reference, for a head offered in any growing
        /// prefixes (repeats included), over bytes rich in CR and LF.
        #[test]
        fn agrees_with_the_plain_scan(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'a'), Just(b':'), any::<u8>()],
                0..200,
            ),
            cuts in proptest::collection::vec(0usize..=200, 0..40),
            budget in 0usize..250,
            max_headers in 0usize..6,
        ) {
            let mut ends: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            ends.sort_unstable();
            ends.push(bytes.len());
            let (mut fast, mut plain) = (HeadScan::default(), HeadScan::default());
            for end in ends {
                let input = &bytes[..end];
                let expected = reference(&mut plain, input, budget, max_headers);
                prop_assert_eq!(fast.worth_parsing(input, budget, max_headers), expected);
                prop_assert_eq!(state(&fast), state(&plain));
            }
        }
    }

    proptest! {
        #[test]
        fn offering_nothing_is_worth_parsing_nothing(
            searched in 0usize..100,
            parsed in 0usize..100,
            line_parses in 0usize..10,
            budget in 0usize..4,
            max_headers in 0usize..10,
        ) {
            let scan = HeadScan { searched, parsed, line_parses };
            let (mut fast, mut plain) = (scan, scan);
            fast.offered_nothing(budget);
            prop_assert!(!plain.worth_parsing(&[], budget, max_headers));
            prop_assert_eq!(state(&fast), state(&plain));
        }
    }

    #[test]
    fn agrees_with_the_plain_scan_byte_by_byte() {
        let heads: [&[u8]; 4] = [
            b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody",
            b"\r\n\nHTTP/1.1 200 OK\nA: b\n\nbody",
            b"HTTP/1.1 200 OK\r\nA: \r\r\n\r\r\n\n",
            b"\n\n\n\r\n\r\r\n\n\r",
        ];
        for head in heads {
            for budget in [0, 1, 5, 17, 64] {
                let (mut fast, mut plain) = (HeadScan::default(), HeadScan::default());
                for end in 0..=head.len() {
                    let input = &head[..end];
                    let expected = reference(&mut plain, input, budget, 2);
                    assert_eq!(fast.worth_parsing(input, budget, 2), expected, "{end}");
                    assert_eq!(state(&fast), state(&plain));
                }
            }
        }
    }

    /// Counts the parses a head costs when it arrives one byte at a time.
    fn parses_bytewise(head: &[u8], budget: usize) -> usize {
        let mut scan = HeadScan::default();
        (1..=head.len())
            .filter(|&end| scan.worth_parsing(&head[..end], budget, 100))
            .count()
    }

    #[test]
    fn a_dripped_head_is_parsed_a_logarithmic_number_of_times() {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
        head.resize(60_000, b'a');
        head.extend_from_slice(b"\r\n\r\n");
        // Lengths 1, 2, 4, ... 32768 (16 parses), then the ends of the status line, of the
        // long line and of the blank line.
        assert_eq!(parses_bytewise(&head, 65_536), 19);
    }

    #[test]
    fn a_flood_of_short_lines_buys_few_parses() {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        for _ in 0..5_000 {
            head.extend_from_slice(b"A: b\r\n");
        }
        // 102 line ends, then only the doublings (up to 32 KiB).
        assert!(parses_bytewise(&head, 65_536) <= 102 + 16);
    }

    #[test]
    fn a_blank_line_split_across_reads_is_found() {
        let mut scan = HeadScan::default();
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        assert!(scan.worth_parsing(&head[..1], 1024, 100)); // first read: always parsed
        assert!(!scan.worth_parsing(&head[..1], 1024, 100)); // nothing new
        assert!(scan.worth_parsing(&head[..20], 1024, 100)); // more than doubled
        assert!(!scan.worth_parsing(&head[..22], 1024, 100)); // under the doubling, no blank line
        assert!(scan.worth_parsing(&head[..25], 1024, 100)); // "\n\r\n" spans the two reads
    }

    #[test]
    fn reaching_the_budget_forces_a_parse() {
        let mut scan = HeadScan::default();
        assert!(scan.worth_parsing(b"HTTP/1.1 2", 100, 100));
        assert!(!scan.worth_parsing(&[b'x'; 15], 100, 100));
        assert!(scan.worth_parsing(&[b'x'; 100], 100, 100));
    }
}
