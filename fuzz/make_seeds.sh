#!/usr/bin/env bash
# Writes the committed seed corpus: fuzz/corpus/<target>/seed-*.txt. Re-run after changing a
# target's input layout (see src/lib.rs); libFuzzer's own corpus growth is git-ignored.
set -euo pipefail
cd "$(dirname "$0")/corpus"

seed() { printf "$2" >"$1"; } # seed FILE PRINTF-FORMAT
mkdir -p set_cookie cookie_date cookies_txt location

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
seed parse_response/seed-bare-lf-field.txt 'HTTP/1.1 302 Found\r\nLocation: /a\nSet-Cookie: x=1\r\n\r\n'
seed parse_response/seed-bare-lf.txt 'HTTP/1.1 304 Not Modified\nETag: "abc"\n\n'

# chunked: a control byte (low 3 bits: how many piece sizes follow; bit 3: small limits),
# the piece sizes, then the body.
seed chunked/seed-one-chunk.txt '05\r\nhello\r\n0\r\n\r\n'
seed chunked/seed-trailers.txt '04\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n'
seed chunked/seed-split.txt '2\t\nA\r\n0123456789\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n'
seed chunked/seed-leftover.txt '00\r\n\r\nHTTP/1.1 200 OK\r\n'
seed chunked/seed-small-limits.txt '81;name=a-long-extension-value\r\nx\r\n0\r\n\r\n'
seed chunked/seed-ext-grammar.txt '05 ;a ; b = c;d="e\\"f; g"\r\nhello\r\n0;z\r\n\r\n'
seed chunked/seed-ext-open-quote.txt '05;a="abc";b="def; ghi\r\nhello\r\n0\r\n\r\n'
seed chunked/seed-ext-whitespace.txt '025  \r\n0123456789abcdef0123456789abcdef0\r\n0  \r\n\r\n'
seed chunked/seed-ext-no-name.txt '02;\r\nhi\r\n0;=x\r\n\r\n'

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

# set_cookie: a control digit (bit 0: small limits; bits 1-2: clock step between responses:
# none, a minute, a day, 500 days), then lines: an origin digit (src/set_cookie.rs ORIGINS:
# 0 http://example.com/, 1 https://www.example.com/a/b, 2 https://example.com/a/,
# 3 http://a.b.example.com/a/b/c, 4 http://127.0.0.1:8080/x/y, 5 https://[::1]/,
# 6 https://co.uk/, 7 http://shop.co.uk/cart/, 8 https://WWW.Example.COM./a,
# 9 http://xn--bcher-kva.example/, : https://ample.com/, ; http://localhost/) and one
# Set-Cookie value. Consecutive lines from one origin are one response.
seed set_cookie/seed-basic.txt '01sid=abc; Domain=example.com; Path=/; Secure; HttpOnly\n1theme=dark; Max-Age=3600\n1evil=1; Domain=com\n'
seed set_cookie/seed-http-shadow.txt '01sid=secure; Domain=example.com; Path=/; Secure\n0sid=plain; Path=/\n3sid=plain2; Domain=example.com\n0sid=gone; Max-Age=0\n2sid=replaced; Path=/; Domain=example.com\n'
seed set_cookie/seed-public-suffix.txt '06a=1; Domain=co.uk\n7b=2; Domain=co.uk\n7c=3; Domain=shop.co.uk; Path=/cart\n7d=4; Domain=.CO.UK.\n'
seed set_cookie/seed-ip.txt '04a=1; Domain=127.0.0.1\n4b=2; Domain=0.0.1\n4c=3; Domain=127.0.0.1.\n5d=4; Domain=[::1]; Secure\n5e=5; Domain=::1\n'
seed set_cookie/seed-prefixes.txt '01__Secure-a=1; Secure\n0__Secure-b=1; Secure\n1__Host-c=1; Secure; Path=/\n1__Host-d=1; Secure; Path=/; Domain=example.com\n1__HOST-e=1; Path=/\n'
seed set_cookie/seed-expiry.txt '21a=1; Max-Age=30\n2b=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT\n1c=1; Max-Age=999999999999999999999\n2d=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT\n1a=; Max-Age=0\n2e=1; Max-Age=-5; Expires=Fri, 31 Dec 9999 23:59:59 GMT\n'
seed set_cookie/seed-paths.txt '03a=1; Path=/a\n3b=1; Path=/a/b\n3c=1\n3d=1; Path=relative\n3e=1; Path=/a/b/c/d\n3f=1; Path=/a/\n'
seed set_cookie/seed-small-limits.txt "11a=1; Domain=example.com\n1b=2; Domain=example.com\n1c=3\n1d=4\n2e=5; Domain=example.com\n2f=6\n2g=7\n3h=8; Domain=example.com\n0i=9\n:j=10\n:k=11\n;l=12\n;m=13\n1long=$(printf 'v%.0s' $(seq 60))\n"
seed set_cookie/seed-case-dot.txt '08a=1; Domain=EXAMPLE.com.\n8b=1; Domain=.www.example.com\n2c=1; Domain=example.com.\n1d=1; domain=WWW.EXAMPLE.COM; path=/A\n'
seed set_cookie/seed-idna.txt '09a=1; Domain=b\xc3\xbccher.example\n9b=1; Domain=B\xc3\x9cCHER.example\n9c=1; Domain=xn--bcher-kva.example.\n'
seed set_cookie/seed-ample.txt '0:a=1; Domain=ample.com\n:b=1; Domain=example.com\n1c=1; Domain=ample.com\n'
seed set_cookie/seed-localhost.txt '0;a=1; Domain=localhost\n;b=1\n;c=1; Domain=.localhost\n'
seed set_cookie/seed-control.txt '01a=b\x01c\n1bad\xffutf8=1\n1=novalue\n1noequals\n1tab=a\tb; Path=/\t\n1cr=1\r\n'
seed set_cookie/seed-500-days.txt '61a=1; Max-Age=34560000\n2b=1\n1c=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT\n2d=1\n'

# cookie_date: the bytes are the date.
seed cookie_date/seed-imf.txt 'Wed, 09 Jun 2021 10:18:14 GMT'
seed cookie_date/seed-rfc850.txt 'Wednesday, 09-Jun-21 10:18:14 GMT'
seed cookie_date/seed-asctime.txt 'Wed Jun  9 10:18:14 2021'
seed cookie_date/seed-two-digit-year.txt 'Thu, 01-Jan-70 00:00:00 GMT'
seed cookie_date/seed-min.txt 'Mon, 01 Jan 1601 00:00:00 GMT'
seed cookie_date/seed-max.txt 'Fri, 31 Dec 9999 23:59:59 GMT'
seed cookie_date/seed-before-1601.txt '31 Dec 1600 23:59:59'
seed cookie_date/seed-leap.txt '29 Feb 2000 12:00:00'
seed cookie_date/seed-not-leap.txt '29 Feb 1900 12:00:00'
seed cookie_date/seed-odd-order.txt '17:02:24 2007 december 10'
seed cookie_date/seed-junk.txt '99:99:99 32 Foo 99999'
seed cookie_date/seed-trailing.txt '10 Dec 2007 17:02:24xyz GMT+0100'

# cookies_txt: the bytes are the file (TAB-separated: domain, subdomains, path, secure,
# expiry, name, value).
seed cookies_txt/seed-curl.txt '# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n# This file was generated by libcurl! Edit at your own risk.\n\n#HttpOnly_.example.com\tTRUE\t/\tTRUE\t1900000000\tsid\tabc123\nwww.example.com\tFALSE\t/shop\tFALSE\t0\tcart\t42\n.example.org\tTRUE\t/\tFALSE\t1900000000\tempty\t\n'
seed cookies_txt/seed-crlf.txt '.example.net\tTRUE\t/\tFALSE\t1900000000\ta\t1\r\nexample.net\tFALSE\t/x\tTRUE\t0\tb\t2 3\r\n'
seed cookies_txt/seed-bad-lines.txt 'example.com\tFALSE\t/\tFALSE\t0\ta\nexample.com\tMAYBE\t/\tFALSE\t0\ta\t1\nexample.com\tFALSE\t/\tFALSE\t-1\ta\t1\nexample.com\tFALSE\t/\tFALSE\t1000\texpired\t1\nexample.com\tFALSE\t/\tFALSE\t0\t\tempty-name\nexample.com\tFALSE\trel\tFALSE\t0\ta\t1\nexample.com\tFALSE\t/\tFALSE\t0\tc\tx\x01y\nexa mple.com\tFALSE\t/\tFALSE\t0\ta\t1\n'
seed cookies_txt/seed-hosts.txt '127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1\n[::1]\tFALSE\t/\tFALSE\t0\tb\t2\n.b\xc3\xbccher.example\tTRUE\t/\tFALSE\t0\tc\t3\nEXAMPLE.COM.\tFALSE\t/\tFALSE\t0\td\t4\n.co.uk\tTRUE\t/\tFALSE\t0\te\t5\n'
seed cookies_txt/seed-far-expiry.txt 'example.com\tFALSE\t/\tFALSE\t99999999999999\ta\t1\nexample.com\tFALSE\t/\tFALSE\t253402300800\tb\t1\nexample.com\tFALSE\t/\tFALSE\t+1900000000\tc\t1\n'
seed cookies_txt/seed-duplicates.txt 'example.com\tFALSE\t/\tFALSE\t0\ta\t1\n.example.com\tTRUE\t/\tFALSE\t0\ta\t2\n#HttpOnly_example.com\tFALSE\t/\tTRUE\t1900000000\ta\t3\n'

# location: a control digit (bit 0: https-only), the current URL, then one Location value per
# line (no line: no Location).
seed location/seed-none.txt '0http://a.test/'
seed location/seed-relative.txt '0http://a.test/docs/intro?x=1\n../api?v=2'
seed location/seed-scheme-relative.txt '0https://a.test/x\n//b.test:8080/y'
seed location/seed-absolute.txt '0http://a.test:8080/\nhttps://B.TEST./Caf%%C3%%A9?q'
seed location/seed-same-twice.txt '0http://a.test/\n/same\n/same'
seed location/seed-two-different.txt '0http://a.test/\n/a\n/b'
seed location/seed-https-only.txt '1https://a.test/\nhttp://a.test/'
seed location/seed-https-upgrade.txt '1http://a.test/\nhttps://a.test/'
seed location/seed-userinfo.txt '0http://u:p@a.test/\nhttp://evil:pw@b.test/'
seed location/seed-userinfo-relative.txt '0http://u:p@a.test/a/b\nc?d'
seed location/seed-fragment-kept.txt '0https://a.test/page#keep\n/next'
seed location/seed-fragment-new.txt '0https://a.test/page#keep\n/next#new'
seed location/seed-slashes.txt '0http://a.test/\n///b.test/x'
seed location/seed-four-slashes.txt '0http://a.test/\n////b.test/x'
seed location/seed-backslashes.txt '0http://a.test/\n\\\\evil.test\\x'
seed location/seed-spaces-utf8.txt '0http://a.test/p\n  /caf\xc3\xa9 bar?q=\xe2\x9c\x93  '
seed location/seed-latin1.txt '0http://a.test/\n/\xe9t\xe9'
seed location/seed-ipv6.txt '0http://[::1]:8080/a/b\n../c'
seed location/seed-ip-host.txt '0http://127.0.0.1/\nhttp://0x7f.1/'
seed location/seed-no-host.txt '0http://a.test/\nhttp://'
seed location/seed-other-schemes.txt '0http://a.test/\nfile:///etc/passwd\nfile:///etc/passwd'
seed location/seed-javascript.txt '0http://a.test/\njavascript:alert(1)'
seed location/seed-idna.txt '0http://a.test/\nhttp://b\xc3\xbccher.example/'
seed location/seed-control.txt '0http://a.test/\n/a\rb\tc\x00d'

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
# A cookie name with a space or a TAB inside, and a path with a TAB, are stored from Set-Cookie
# (§5.2 trims only the ends; 6265bis allows HTAB) but refused when the saved jar is loaded
# (persist::admissible), so a save/load round trip loses them (JSON and cookies.txt alike).
seed set_cookie/seed-regress-space-in-name.txt '01a b=1\n'
seed set_cookie/seed-regress-tab-in-name.txt '01a\tb=1\n'
seed set_cookie/seed-regress-tab-in-path.txt '01c=1; Path=/a\tb\n'
