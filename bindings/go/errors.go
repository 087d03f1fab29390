// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"errors"
	"fmt"
	"strings"
)

// Status is a libgmmot status code (gmmot/status.h): 0 ok, > 0 a warning, < 0 an error.
type Status int

// The status codes of gmmot/status.h (values pinned by the library).
const (
	OK               Status = C.GMMOT_OK
	WNotConverged    Status = C.GMMOT_W_NOT_CONVERGED
	WSymmetrized     Status = C.GMMOT_W_SYMMETRIZED
	EInvalidArgument Status = C.GMMOT_E_INVALID_ARGUMENT
	EBufferTooSmall  Status = C.GMMOT_E_BUFFER_TOO_SMALL
	EOutOfMemory     Status = C.GMMOT_E_OUT_OF_MEMORY
	EDimension       Status = C.GMMOT_E_DIMENSION
	ETooLarge        Status = C.GMMOT_E_TOO_LARGE
	ENonFinite       Status = C.GMMOT_E_NONFINITE
	EWeights         Status = C.GMMOT_E_WEIGHTS
	ENotSymmetric    Status = C.GMMOT_E_NOT_SYMMETRIC
	ENotPSD          Status = C.GMMOT_E_NOT_PSD
	ESingular        Status = C.GMMOT_E_SINGULAR
	ENoMap           Status = C.GMMOT_E_NO_MAP
	EOverflow        Status = C.GMMOT_E_OVERFLOW
	ELapack          Status = C.GMMOT_E_LAPACK
	ECancelled       Status = C.GMMOT_E_CANCELLED
	EIterationLimit  Status = C.GMMOT_E_ITERATION_LIMIT
	EFormat          Status = C.GMMOT_E_FORMAT
	EIO              Status = C.GMMOT_E_IO
	EFamily          Status = C.GMMOT_E_FAMILY
	EInternal        Status = C.GMMOT_E_INTERNAL
)

// String is the library's static description, e.g. "GMMOT_E_WEIGHTS: invalid mixture
// weights" (gmmot_status_string; "unknown status" for unknown codes).
func (s Status) String() string {
	// gmmot_status_string leaves the thread-local message alone: no thread lock needed.
	return C.GoString(C.gmmot_status_string(C.int(s)))
}

// Name is the status's identifier, e.g. "GMMOT_E_WEIGHTS" ("unknown status" if unknown).
func (s Status) Name() string {
	text := s.String()
	if i := strings.IndexByte(text, ':'); i >= 0 {
		return text[:i]
	}
	return text
}

// Error is a failed call (C status < 0): nothing was written and no handle changed.
// Errors made by the binding itself before any C call (a slice of the wrong length, a closed
// handle) use the same type with the status the C library would give.
type Error struct {
	Status  Status // the status code (< 0)
	Name    string // its name, e.g. "GMMOT_E_WEIGHTS"
	Message string // the library's message, naming the function, argument and entry at fault
	cause   error  // context.Canceled or DeadlineExceeded when a context cancelled the call
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "gmmot: " + e.Status.String()
	}
	return "gmmot: " + e.Name + ": " + e.Message
}

// Is makes errors.Is(err, ErrX) true for every error of ErrX's status.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Status == e.Status
}

// Unwrap gives the context's error of a call cancelled through a context, so that
// errors.Is(err, context.Canceled) holds as well as errors.Is(err, ErrCancelled).
func (e *Error) Unwrap() error { return e.cause }

// Warning is a call that completed with a warning (C status > 0): its results are valid.
type Warning struct {
	Status  Status // WNotConverged or WSymmetrized
	Name    string // e.g. "GMMOT_W_NOT_CONVERGED"
	Message string // the library's message
}

func (w *Warning) Error() string { return "gmmot: warning " + w.Name + ": " + w.Message }

// Is makes errors.Is(err, WarnNotConverged) true for every warning of that status.
func (w *Warning) Is(target error) bool {
	t, ok := target.(*Warning)
	return ok && t.Message == "" && t.Status == w.Status
}

// IsWarning reports whether err is nil or a *Warning, i.e. whether the call's results are
// valid.
func IsWarning(err error) bool {
	var w *Warning
	return err == nil || errors.As(err, &w)
}

func sentinel(s Status) *Error { return &Error{Status: s, Name: s.Name()} }

// Sentinels for errors.Is: errors.Is(err, ErrWeights) tests err's status.
var (
	ErrInvalidArgument = sentinel(EInvalidArgument)
	ErrBufferTooSmall  = sentinel(EBufferTooSmall)
	ErrOutOfMemory     = sentinel(EOutOfMemory)
	ErrDimension       = sentinel(EDimension)
	ErrTooLarge        = sentinel(ETooLarge)
	ErrNonFinite       = sentinel(ENonFinite)
	ErrWeights         = sentinel(EWeights)
	ErrNotSymmetric    = sentinel(ENotSymmetric)
	ErrNotPSD          = sentinel(ENotPSD)
	ErrSingular        = sentinel(ESingular)
	ErrNoMap           = sentinel(ENoMap)
	ErrOverflow        = sentinel(EOverflow)
	ErrLapack          = sentinel(ELapack)
	ErrCancelled       = sentinel(ECancelled)
	ErrIterationLimit  = sentinel(EIterationLimit)
	ErrFormat          = sentinel(EFormat)
	ErrIO              = sentinel(EIO)
	ErrFamily          = sentinel(EFamily)
	ErrInternal        = sentinel(EInternal)

	WarnNotConverged = &Warning{Status: WNotConverged, Name: WNotConverged.Name()}
	WarnSymmetrized  = &Warning{Status: WSymmetrized, Name: WSymmetrized.Name()}
)

// ErrClosed is returned by calls on a handle after its Close. Its status is
// GMMOT_E_INVALID_ARGUMENT (what the C library gives for a NULL handle), so
// errors.Is(err, ErrInvalidArgument) holds too.
var ErrClosed = &Error{Status: EInvalidArgument, Name: EInvalidArgument.Name(),
	Message: "the handle is closed"}

// argError is an error found by the binding before the C call.
func argError(s Status, format string, args ...interface{}) error {
	return &Error{Status: s, Name: s.Name(), Message: fmt.Sprintf(format, args...)}
}

// check turns a C status into nil, a *Warning or an *Error. It must run on the OS thread that
// made the call, before that thread makes another libgmmot call: callers hold
// runtime.LockOSThread from before the call until check has returned.
func check(st C.int, a *attach) error {
	raiseOutcome()
	if st == 0 {
		return nil
	}
	s := Status(st)
	msg := C.GoString(C.gmmot_last_error_message())
	if s > 0 {
		return &Warning{Status: s, Name: s.Name(), Message: msg}
	}
	e := &Error{Status: s, Name: s.Name(), Message: msg}
	if s == ECancelled {
		e.cause = a.contextErr()
	}
	return e
}
