package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// argonParams are the cost parameters of an argon2id hash. They are stored
// with every hash, so they can be raised later: a hash made with lower
// ones is made again, with the current ones, at the next sign-in.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
	keyLen  uint32
	saltLen uint32
}

// currentArgon is OWASP's recommended minimum for argon2id (Password
// Storage Cheat Sheet): 19 MiB of memory, 2 passes, 1 thread. It takes some
// tens of milliseconds per hash.
var currentArgon = argonParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32, saltLen: 16}

// Bounds on what a stored hash may ask for, so that a damaged row cannot
// make a sign-in take all the memory or time there is.
const (
	maxArgonMemory = 1 << 20 // 1 GiB, in KiB
	maxArgonTime   = 64
)

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of an argon2id hash of pw, with a
// fresh random salt: $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH.
func hashPassword(pw string, p argonParams) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// checkPassword reports whether pw matches the hash encoded, comparing in
// constant time, and whether the hash was made with parameters below p and
// should be made again.
func checkPassword(encoded, pw string, p argonParams) (ok, stale bool, err error) {
	stored, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, stored.time, stored.memory, stored.threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	stale = stored.memory < p.memory || stored.time < p.time || stored.threads < p.threads ||
		uint32(len(key)) < p.keyLen || uint32(len(salt)) < p.saltLen
	return ok, stale, nil
}

var errBadHash = errors.New("stored password hash is not an argon2id PHC string")

func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", errBadHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", errBadHash, parts[3])
	}
	if p.memory < 8*uint32(p.threads) || p.memory > maxArgonMemory || p.time < 1 || p.time > maxArgonTime || p.threads < 1 {
		return p, nil, nil, fmt.Errorf("%w: parameters %q out of bounds", errBadHash, parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", errBadHash)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("%w: hash", errBadHash)
	}
	p.saltLen, p.keyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// dummyHash is checked against when a sign-in names no account, so that it
// takes as long as one with a wrong password.
var dummyHash = sync.OnceValues(func() (string, error) {
	return hashPassword("not anyone's password", currentArgon)
})
