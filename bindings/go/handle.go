// SPDX-License-Identifier: MIT

package gmmot

// #include <stdint.h>
// #include <unistd.h>
// #include <gmmot/gmmot.h>
// static uint64_t gmmot_go_phys_bytes(void) {
//   long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
//   return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
// }
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// destroyed counts the C objects freed, so that tests can see finalizers at work.
var destroyed int64

// handle owns one C object. It is reference counted so that Close can never free the object
// under a running call (libgmmot's rule: destroy a handle only when no call uses it): the
// open handle holds one reference, every call holds one while it runs (acquire/release), and
// so does every handle that borrows the object (an EM object borrows its options' interrupt
// flag). The C object is destroyed when the count reaches zero.
type handle struct {
	mu      sync.Mutex
	ptr     unsafe.Pointer
	refs    int
	closed  bool
	destroy func(unsafe.Pointer)
	deps    []releaser // released after the C object is destroyed
}

type releaser interface{ release() }

func (h *handle) init(p unsafe.Pointer, destroy func(unsafe.Pointer), deps ...releaser) {
	h.ptr, h.refs, h.destroy, h.deps = p, 1, destroy, deps
}

// acquire returns the C pointer and a reference the caller must release, or ErrClosed.
func (h *handle) acquire() (unsafe.Pointer, error) {
	if h == nil {
		return nil, ErrClosed
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.ptr == nil {
		return nil, ErrClosed
	}
	h.refs++
	return h.ptr, nil
}

// acquireLive is acquire for an object that is still alive though closed (its borrowers keep
// it): used by objects, like interrupt flags, that stay usable while anything carries them.
func (h *handle) acquireLive() (unsafe.Pointer, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ptr == nil {
		return nil, ErrClosed
	}
	h.refs++
	return h.ptr, nil
}

// retain adds a reference for a borrower that already reaches the object through a held
// reference (so the object is alive, even if its owner has closed it).
func (h *handle) retain() {
	h.mu.Lock()
	h.refs++
	h.mu.Unlock()
}

func (h *handle) release() {
	h.mu.Lock()
	h.refs--
	if h.refs > 0 {
		h.mu.Unlock()
		return
	}
	p, deps := h.ptr, h.deps
	h.ptr, h.deps = nil, nil
	h.mu.Unlock()
	if p != nil {
		h.destroy(p)
		atomic.AddInt64(&destroyed, 1)
	}
	for _, d := range deps {
		d.release()
	}
}

// close drops the open reference once; later calls are no-ops.
func (h *handle) close() {
	h.mu.Lock()
	if h.closed || h.ptr == nil {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.release()
}

// pointers to Go slices for the duration of one C call (C keeps none of them: cgo rules).
func dptr(s []float64) *C.double {
	if len(s) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&s[0]))
}

func zptr(s []C.size_t) *C.size_t {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

func sz(n int) C.size_t { return C.size_t(n) }

func toInts(s []C.size_t) []int {
	out := make([]int, len(s))
	for i, v := range s {
		out[i] = int(v)
	}
	return out
}

// mulOK multiplies non-negative ints, reporting overflow.
func mulOK(a ...int) (int, bool) {
	p := 1
	for _, x := range a {
		if x < 0 {
			return 0, false
		}
		if x != 0 && p > (int(^uint(0)>>1))/x {
			return 0, false
		}
		p *= x
	}
	return p, true
}

// physBytes is the machine's physical memory (0: unknown).
var physBytes = uint64(C.gmmot_go_phys_bytes())

// outLen is the length of an output buffer of elem-byte values holding the product of
// factors, or ETooLarge naming what when the product overflows or the buffer would exceed the
// machine's physical memory (half the address space if unknown): Go's make cannot fail
// softly, and an allocation that large would end the process with a fatal out-of-memory
// error instead of returning one.
func outLen(fn, what string, elem int, factors ...int) (int, error) {
	n, ok := mulOK(factors...)
	limit := physBytes
	if limit == 0 {
		limit = uint64(^uint(0) >> 2)
	}
	if !ok || uint64(n) > limit/uint64(elem) {
		return 0, argError(ETooLarge, "%s: %s = %v values of %d bytes: more than the machine's memory (%d bytes)",
			fn, what, factors, elem, limit)
	}
	return n, nil
}

// checkLen reports a slice whose length is not want, naming the function and argument.
func checkLen(fn, arg string, got, want int, what string) error {
	if got != want {
		return argError(EDimension, "%s: %s has %d values, want %s = %d", fn, arg, got, what, want)
	}
	return nil
}

// rows returns n = len(s)/d, or an error naming the argument if len(s) is not a multiple of
// d or d is not positive.
func rows(fn, arg string, s []float64, d int) (int, error) {
	if d <= 0 {
		return 0, argError(EDimension, "%s: d = %d, want d >= 1", fn, d)
	}
	if len(s)%d != 0 {
		return 0, argError(EDimension, "%s: %s has %d values, not a multiple of d = %d", fn, arg,
			len(s), d)
	}
	return len(s) / d, nil
}

// optWeights checks an optional per-point weight slice (nil: all ones).
func optWeights(fn, arg string, w []float64, n int) error {
	if w != nil && len(w) != n {
		return argError(EDimension, "%s: %s has %d values, want one per point = %d", fn, arg,
			len(w), n)
	}
	return nil
}
