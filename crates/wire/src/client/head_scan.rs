//! When to run the head parser again on a head that is still arriving.
//!
//! httparse is stateless: every call parses from the first byte. Called on every read of a head
//! that a server drips in one byte at a time, that is quadratic (a 64 KiB head would be scanned
//! about two billion bytes' worth). So the call re-parses only when it could matter: when the
//! new bytes hold a blank line (the head may be complete), when the budget is reached (the
//! verdict is due), or when the input has doubled since the last parse (so that a broken status
//! line is still reported early, at a cost that stays linear in total).
//!
//! The outcome does not change, only its timing: a rule broken in a prefix of the head is broken
//! in every longer input, and the last parse always covers the complete head or the budget.

/// How much of the pending head has been looked at.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct HeadScan {
    /// Bytes already searched for a blank line.
    searched: usize,
    /// Input length at the last parse; 0 before the first.
    parsed: usize,
}

impl HeadScan {
    /// Whether parsing `input` now could produce something other than "partial".
    pub(super) fn worth_parsing(&mut self, input: &[u8], budget: usize) -> bool {
        let window = &input[..input.len().min(budget)];
        // Back up two bytes so that a blank line split across reads is still found.
        let from = self.searched.saturating_sub(2).min(window.len());
        let blank_line = (from..window.len()).any(|i| {
            window[i] == b'\n'
                && match window.get(i + 1) {
                    Some(b'\n') => true,
                    Some(b'\r') => window.get(i + 2) == Some(&b'\n'),
                    _ => false,
                }
        });
        self.searched = window.len();
        let due = blank_line || input.len() >= budget || input.len() >= 2 * self.parsed;
        if due {
            self.parsed = input.len();
        }
        due && !input.is_empty()
    }

    /// Starts over for the next head.
    pub(super) fn reset(&mut self) {
        *self = HeadScan::default();
    }
}

#[cfg(test)]
mod tests {
    use super::HeadScan;

    /// Counts the parses a head costs when it arrives one byte at a time.
    fn parses_bytewise(head: &[u8], budget: usize) -> usize {
        let mut scan = HeadScan::default();
        (1..=head.len())
            .filter(|&end| scan.worth_parsing(&head[..end], budget))
            .count()
    }

    #[test]
    fn a_dripped_head_is_parsed_a_logarithmic_number_of_times() {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Long: ".to_vec();
        head.resize(60_000, b'a');
        head.extend_from_slice(b"\r\n\r\n");
        // 1, 2, 4, ... 32768 (16 doublings) plus the blank line at the end.
        assert_eq!(parses_bytewise(&head, 65_536), 17);
    }

    #[test]
    fn a_blank_line_split_across_reads_is_found() {
        let mut scan = HeadScan::default();
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        assert!(scan.worth_parsing(&head[..1], 1024)); // first read: always parsed
        assert!(!scan.worth_parsing(&head[..1], 1024)); // nothing new
        assert!(scan.worth_parsing(&head[..20], 1024)); // more than doubled
        assert!(!scan.worth_parsing(&head[..23], 1024)); // under the doubling, no blank line
        assert!(scan.worth_parsing(&head[..25], 1024)); // "\n\r\n" spans the two reads
    }

    #[test]
    fn reaching_the_budget_forces_a_parse() {
        let mut scan = HeadScan::default();
        assert!(scan.worth_parsing(b"HTTP/1.1 2", 100));
        assert!(!scan.worth_parsing(&[b'x'; 15], 100));
        assert!(scan.worth_parsing(&[b'x'; 100], 100));
    }
}
