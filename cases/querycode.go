package cases

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// queryCodeChars leaves out 0/O, 1/I/L and other pairs people misread on a
// printed receipt.
const queryCodeChars = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const queryCodeLen = 10 // 31^10 ≈ 2^49.5: far beyond what the rate limit lets anyone try

// newQueryCode returns a random code formatted in two groups (K7M2Q-X9PR4)
// for reading aloud at the counter.
func newQueryCode() string {
	buf := make([]byte, queryCodeLen)
	if _, err := rand.Read(buf); err != nil {
		panic("cases: no randomness: " + err.Error())
	}
	out := make([]byte, 0, queryCodeLen+1)
	for i, b := range buf {
		if i == queryCodeLen/2 {
			out = append(out, '-')
		}
		// 256 % 31 != 0 gives a bias of under 1%: irrelevant for a 49-bit code.
		out = append(out, queryCodeChars[int(b)%len(queryCodeChars)])
	}
	return string(out)
}

// canonicalQueryCode accepts what a citizen may type: any case, with or
// without the dash and spaces.
func canonicalQueryCode(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code)
}

func newSalt() string {
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		panic("cases: no randomness: " + err.Error())
	}
	return hex.EncodeToString(buf)
}

func hashQueryCode(salt, code string) string {
	sum := sha256.Sum256([]byte(salt + ":" + canonicalQueryCode(code)))
	return hex.EncodeToString(sum[:])
}

// queryCodeMatches compares in constant time, so the answer's timing says
// nothing about how much of the code was right.
func queryCodeMatches(salt, hash, code string) bool {
	return subtle.ConstantTimeCompare([]byte(hashQueryCode(salt, code)), []byte(hash)) == 1
}
