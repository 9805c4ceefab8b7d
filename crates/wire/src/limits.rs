//! Bounds on everything a peer controls.
//!
//! A server decides how long a head is, how many fields it has, how many interim responses it
//! sends and how much chunk overhead it adds. Each of those is capped here so that a hostile or
//! broken peer costs at most a known amount of memory and CPU per exchange. One switch rides
//! along: whether a head line may end in a bare LF.

/// Limits applied while reading one response. Every limit has a default and a setter.
///
/// ```
/// use tarry_wire::Limits;
///
/// let limits = Limits::default().max_head_bytes(16 * 1024).max_headers(50);
/// assert_eq!(limits.head_bytes(), 16 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    head_bytes: usize,
    headers: usize,
    interim_responses: usize,
    chunk_extension_bytes: usize,
    trailer_bytes: usize,
    accept_bare_lf: bool,
}

impl Limits {
    /// 64 KiB: above curl's single-header size, far below what would hurt a small service.
    pub const DEFAULT_HEAD_BYTES: usize = 64 * 1024;
    /// 100 fields, as hyper and CPython's `http.client`.
    pub const DEFAULT_HEADERS: usize = 100;
    /// Ten interim responses before the final one (CVE-2021-3737 was an endless `100 Continue`).
    pub const DEFAULT_INTERIM_RESPONSES: usize = 10;
    /// 16 KiB of chunk extensions per body, as hyper (CVE-2023-39326 used them as padding).
    pub const DEFAULT_CHUNK_EXTENSION_BYTES: usize = 16 * 1024;
    /// 16 KiB of trailer section per body, as hyper.
    pub const DEFAULT_TRAILER_BYTES: usize = 16 * 1024;

    /// The default limits (the `DEFAULT_*` constants).
    pub const fn new() -> Self {
        Limits {
            head_bytes: Self::DEFAULT_HEAD_BYTES,
            headers: Self::DEFAULT_HEADERS,
            interim_responses: Self::DEFAULT_INTERIM_RESPONSES,
            chunk_extension_bytes: Self::DEFAULT_CHUNK_EXTENSION_BYTES,
            trailer_bytes: Self::DEFAULT_TRAILER_BYTES,
            accept_bare_lf: false,
        }
    }

    /// Caps the bytes of all response heads of one exchange, interim heads included.
    pub const fn max_head_bytes(mut self, bytes: usize) -> Self {
        self.head_bytes = bytes;
        self
    }

    /// Caps the number of header fields in one head (and in the trailer section).
    pub const fn max_headers(mut self, count: usize) -> Self {
        self.headers = count;
        self
    }

    /// Caps the number of interim (1xx) responses skipped before the final one.
    pub const fn max_interim_responses(mut self, count: usize) -> Self {
        self.interim_responses = count;
        self
    }

    /// Caps the total bytes of chunk extensions in one chunked body: everything on the
    /// chunk-size lines after the size digits (whitespace included) up to each CR.
    pub const fn max_chunk_extension_bytes(mut self, bytes: usize) -> Self {
        self.chunk_extension_bytes = bytes;
        self
    }

    /// Caps the bytes of the trailer section of one chunked body.
    pub const fn max_trailer_bytes(mut self, bytes: usize) -> Self {
        self.trailer_bytes = bytes;
        self
    }

    /// Whether a line of a response head (status line, field lines, the blank line ending the
    /// head) may end in LF alone. Off by default: such a head is refused with
    /// [`Error::BareLfLineEnding`](crate::Error::BareLfLineEnding).
    ///
    /// RFC 9112 §2.2 lets a recipient accept a bare LF, and httparse, hyper, curl, Go and
    /// Python do; Node's llhttp refuses it unless told to be lenient. tarry refuses it because
    /// a server that strips CR but not LF from something it echoes into a header would let
    /// whoever controls that value add a field of their own (a `Set-Cookie`, a `Location`),
    /// and a client that ends lines only at CRLF never reads that field. Turn this on for an
    /// old or embedded server that writes LF-only heads. Chunk-size and trailer lines always
    /// need CRLF, whatever this says: that is where a bare LF was used to smuggle requests
    /// (CVE-2025-22871).
    pub const fn accept_bare_lf(mut self, accept: bool) -> Self {
        self.accept_bare_lf = accept;
        self
    }

    /// Whether a bare LF may end a head line.
    pub const fn accepts_bare_lf(&self) -> bool {
        self.accept_bare_lf
    }

    /// The head byte limit.
    pub const fn head_bytes(&self) -> usize {
        self.head_bytes
    }

    /// The header count limit.
    pub const fn headers(&self) -> usize {
        self.headers
    }

    /// The interim response limit.
    pub const fn interim_responses(&self) -> usize {
        self.interim_responses
    }

    /// The chunk extension byte limit.
    pub const fn chunk_extension_bytes(&self) -> usize {
        self.chunk_extension_bytes
    }

    /// The trailer byte limit.
    pub const fn trailer_bytes(&self) -> usize {
        self.trailer_bytes
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}
