package source

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// What Kept takes while an image streams: regular files of at most
// KeepMaxFile bytes with no NUL byte in their first KeepSniff bytes (text,
// as far as a look at their start tells), up to a budget of bytes in all.
const (
	KeepMaxFile       = 256 << 10
	KeepSniff         = 8 << 10
	DefaultKeepBudget = 64 << 20
)

// Kept holds the bytes of the small files that look like text, taken as
// the layers stream past, so that the explorer opens them at once. Each
// content is stored once, by its hash and size, however many copies the
// image has. A nil *Kept keeps nothing. It is safe for concurrent use.
type Kept struct {
	budget int64
	used   atomic.Int64

	mu    sync.RWMutex
	files map[keptKey][]byte
}

type keptKey struct {
	digest uint64
	size   int64
}

// NewKept makes a store of at most budget bytes; nil (keep nothing) for a
// budget of 0 or less.
func NewKept(budget int64) *Kept {
	if budget <= 0 {
		return nil
	}
	return &Kept{budget: budget, files: map[keptKey][]byte{}}
}

// wants tells whether a file of size bytes could still be kept: worth
// reading whole before it is hashed.
func (k *Kept) wants(size int64) bool {
	return k != nil && size > 0 && size <= KeepMaxFile && k.used.Load()+size <= k.budget
}

// put keeps a copy of b, the bytes of a file hashing to digest, if they
// look like text, are not kept yet and fit the budget.
func (k *Kept) put(digest uint64, b []byte) {
	if !k.wants(int64(len(b))) || bytes.IndexByte(b[:min(len(b), KeepSniff)], 0) >= 0 {
		return
	}
	key := keptKey{digest, int64(len(b))}
	k.mu.RLock()
	_, have := k.files[key]
	k.mu.RUnlock()
	if have {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, have := k.files[key]; have || k.used.Load()+int64(len(b)) > k.budget {
		return
	}
	k.files[key] = bytes.Clone(b)
	k.used.Add(int64(len(b)))
}

// Get is the kept bytes of a file of size bytes hashing to digest.
func (k *Kept) Get(digest uint64, size int64) ([]byte, bool) {
	if k == nil {
		return nil, false
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	b, ok := k.files[keptKey{digest, size}]
	return b, ok
}

// Used is how many bytes are kept.
func (k *Kept) Used() int64 {
	if k == nil {
		return 0
	}
	return k.used.Load()
}

// Budget is the most bytes the store keeps.
func (k *Kept) Budget() int64 {
	if k == nil {
		return 0
	}
	return k.budget
}
