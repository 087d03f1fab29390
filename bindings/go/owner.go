// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// owner is a Go type that owns one C object through a handle. ref returns that handle, or nil
// for a nil receiver, so that the helpers below serve every handle type while keeping Close
// and use safe on a nil pointer.
type owner interface {
	ref() *handle
	Close() error
}

// track gives o the C object p, freed by destroy once the last reference goes (deps are
// released after it), and makes o.Close its finalizer.
func track[T any, O owner](o O, p *T, destroy func(*T), deps ...releaser) O {
	o.ref().init(unsafe.Pointer(p), func(q unsafe.Pointer) { destroy((*T)(q)) }, deps...)
	runtime.SetFinalizer(o, func(o O) { o.Close() })
	return o
}

// closeRef drops o's open reference (idempotent, nil-safe): the body of every Close.
func closeRef(o owner) error {
	if h := o.ref(); h != nil {
		h.close()
	}
	return nil
}

// useRef acquires o's C object as a *T for one call, or ErrClosed; end the call with doneRef.
func useRef[T any](o owner) (*T, error) {
	p, err := o.ref().acquire()
	return (*T)(p), err
}

// doneRef ends a call begun by useRef; o stays reachable until then, so its finalizer cannot
// run while C uses the object.
func doneRef(o owner) {
	o.ref().release()
	runtime.KeepAlive(o)
}

// made runs one C constructor on a locked OS thread (check reads the error message on the
// thread that set it) and wraps its result: a warning status comes with a result, an error
// with none (the zero O).
func made[T any, O any](at *attach, wrap func(*T) O, call func(out **T) C.int) (O, error) {
	var out *T
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := check(call(&out), at)
	if out == nil {
		var none O
		return none, err
	}
	return wrap(out), err
}

// create is made for a constructor that takes options.
func create[T any, O any](opts *Options, wrap func(*T) O,
	call func(op *C.gmmot_options_t, out **T) C.int) (O, error) {
	var out *T
	err := withOptions(opts, func(op *C.gmmot_options_t) C.int { return call(op, &out) })
	if out == nil {
		var none O
		return none, err
	}
	return wrap(out), err
}

// withOptions runs one C call with opts (held for the call: Close waits, progress and
// interrupt attach) on a locked OS thread, and checks its status.
func withOptions(opts *Options, call func(op *C.gmmot_options_t) C.int) error {
	op, at, release, err := opts.use()
	if err != nil {
		return err
	}
	defer release()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(call(op), at)
}
