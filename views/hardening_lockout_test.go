package views_test

// Issue 15: a few addresses guessing one case number must not lock its
// holder out. The addresses are real TCP peers (127.0.0.N, all loopback on
// Linux) of a listening server, which does not trust X-Forwarded-For.

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// fromAddress answers a client whose connections come from 127.0.0.last.
func fromAddress(last byte) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, last)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		DisableKeepAlives: true,
	}}
}

func TestAFewGuessingAddressesCannotLockTheHolderOut(t *testing.T) {
	ts := newTestServer(t) // production limits: 10 failures per address, 20 per case number, 15 minutes
	base := ts.listen()
	c := ts.intake(nil)
	n, code := c["number"].(string), c["query_code"].(string)
	lookup := func(from byte, code string, headers ...string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/api/v1/public/status?"+url.Values{"number": {n}, "code": {code}}.Encode(), nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := fromAddress(from).Do(req)
		if err != nil {
			t.Fatalf("from 127.0.0.%d: %v", from, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	// 22 wrong codes from 5 addresses, none of them over its own limit.
	for i := range 22 {
		from := byte(2 + i%5)
		if status := lookup(from, wrongCode(code)); status != 404 && status != 429 {
			t.Fatalf("wrong code %d from 127.0.0.%d: %d", i+1, from, status)
		}
	}
	if status := lookup(7, code); status != 200 {
		t.Errorf("the holder from another address after 22 wrong codes from 5 addresses: %d, want 200", status)
	}
	// The case's lock still stops the guessers: an address that guessed
	// wrong is refused even with the right code, a new one gets one guess.
	if status := lookup(2, code); status != 429 {
		t.Errorf("a guessing address with the right code during the lock: %d, want 429", status)
	}
	if status := lookup(8, wrongCode(code)); status != 404 {
		t.Errorf("a new address's first guess during the lock: %d, want 404", status)
	}
	if status := lookup(8, code); status != 429 {
		t.Errorf("a new address's second try during the lock: %d, want 429", status)
	}
	// A header does not make a refused address another one.
	if status := lookup(3, code, "X-Forwarded-For", "127.0.0.9"); status != 429 {
		t.Errorf("a refused address claiming another in X-Forwarded-For: %d, want 429", status)
	}
}
