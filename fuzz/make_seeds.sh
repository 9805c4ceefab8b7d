#!/usr/bin/env bash
# Writes the committed seed corpus: fuzz/corpus/<target>/seed-*.txt. Re-run after changing a
# target's input layout (see src/lib.rs); libFuzzer's own corpus growth is git-ignored.
set -euo pipefail
cd "$(dirname "$0")/corpus"

seed() { printf "$2" >"$1"; } # seed FILE PRINTF-FORMAT

CL='HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'
CHUNKED='HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nExpires: never\r\n\r\n'
EARLY='HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n'
NOCONTENT='HTTP/1.1 204 No Content\r\nDate: Tue, 01 Jul 2025 10:00:00 GMT\r\n\r\n'
HTTP10='HTTP/1.0 200 OK\r\nServer: old\r\n\r\nuntil the connection closes'
KEEPALIVE='HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n'

# parse_response: the bytes are the response.
seed parse_response/seed-cl.txt "$CL"
seed parse_response/seed-chunked-trailers.txt "$CHUNKED"
seed parse_response/seed-103.txt "$EARLY"
seed parse_response/seed-204.txt "$NOCONTENT"
seed parse_response/seed-http10.txt "$HTTP10"
seed parse_response/seed-keep-alive.txt "$KEEPALIVE"
seed parse_response/seed-te-and-cl.txt 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'
seed parse_response/seed-bare-lf.txt 'HTTP/1.1 304 Not Modified\nETag: "abc"\n\n'

# chunked: a control byte (low 3 bits: how many piece sizes follow; bit 3: small limits),
# the piece sizes, then the body.
seed chunked/seed-one-chunk.txt '05\r\nhello\r\n0\r\n\r\n'
seed chunked/seed-trailers.txt '04\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n'
seed chunked/seed-split.txt '2\t\nA\r\n0123456789\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n'
seed chunked/seed-leftover.txt '00\r\n\r\nHTTP/1.1 200 OK\r\n'
seed chunked/seed-small-limits.txt '81;name=a-long-extension-value\r\nx\r\n0\r\n\r\n'

# client_call: method (G H P U C O), then 0/1 for http10, upgrade, expect-continue,
# stop-waiting, small-limits; the body (N, C or a length digit); a count digit and that many
# piece sizes; then the server's bytes.
seed client_call/seed-get-cl.txt "G00000N0$CL"
seed client_call/seed-get-chunked.txt "G00000N0$CHUNKED"
seed client_call/seed-get-chunked-split.txt "G00000N3\t\n\r$CHUNKED"
seed client_call/seed-103-then-200.txt "G00000N0$EARLY$CL"
seed client_call/seed-204.txt "G00000N0$NOCONTENT"
seed client_call/seed-head.txt 'H00000N0HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'
seed client_call/seed-http10.txt "G10000N0$HTTP10"
seed client_call/seed-keep-alive.txt "O00000N0$KEEPALIVE"
seed client_call/seed-expect-100.txt "P00100510HTTP/1.1 100 Continue\r\n\r\n$CL"
seed client_call/seed-expect-417.txt 'P00100C0HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n'
seed client_call/seed-put-chunked.txt "U00000C0$CL"
seed client_call/seed-upgrade.txt 'G01000N0HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\nframes'
seed client_call/seed-connect.txt 'C00000N0HTTP/1.1 200 Connection established\r\n\r\ntunnel'
seed client_call/seed-small-limits.txt "G00001N0$EARLY$EARLY$EARLY$CL"

# Regression seeds: inputs that once failed a target (see the report that found each).
# A reason phrase with obs-text: httparse hands back a reason that is not a slice of the input.
seed parse_response/seed-regress-obs-text-reason.txt 'HTTP/1.1 200 \xd5\r\n\r\n'
seed client_call/seed-regress-obs-text-reason.txt 'G00000N0HTTP/1.1 200 \xd5\r\nContent-Length: 0\r\n\r\n'
# A head error within the limit, followed by more bytes than the limit: the error must not
# depend on how many of those bytes had arrived (HeadTooLarge whole, InvalidHeaderName split).
seed client_call/seed-regress-split-head-error.txt "G00001N1 HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n$(printf 'a%.0s' $(seq 300))"
# A broken head that is still partial when the connection ends: read whole it is
# InvalidHeaderName; read in 9-byte pieces the last parse is skipped (client/head_scan.rs) and
# EOF reports IncompleteHead instead.
seed client_call/seed-regress-eof-partial-broken-head.txt 'G00000N1\tHTTP/1.1 200 OK\r\nBad Name: x\r\n'
