// SPDX-License-Identifier: MIT

// Package gmmot is the Go binding of libgmmot, optimal transport between Gaussian mixture
// models (the C library's headers, include/gmmot/*.h, are the reference for every function's
// mathematics; this package documents only what is particular to Go).
//
// Conventions:
//
//   - Arrays are flat, row-major []float64, as in C: a mixture's means are K*d values, its
//     covariances K*d*d. Lengths are checked before any C call, and a mismatch is an *Error
//     naming the argument.
//   - Every call locks its goroutine to its OS thread for the C call and the read of the
//     library's thread-local error message, so errors carry the message of their own call
//     even with many goroutines calling at once.
//   - Errors (C status < 0) are *Error values carrying the status, its name and the library's
//     message; errors.Is(err, gmmot.ErrWeights) and friends test the status.
//   - Warnings (C status > 0: GMMOT_W_NOT_CONVERGED, GMMOT_W_SYMMETRIZED) mean the call
//     completed and its results are valid. They are returned as a non-nil error of type
//     *Warning TOGETHER WITH the results, so that code which checks `err != nil` notices them;
//     use IsWarning(err) (or errors.As with *Warning) to accept them.
//   - Handles (GMM, Options, Interrupt, Transport, MW2, EM, MW2Barycenter, Relaxed, Gromov) free
//     their C object with Close, which is idempotent and safe while other goroutines still
//     use the handle (the C object is freed when the last running call returns); a finalizer
//     calls Close as a safety net for handles that are dropped unclosed. A call on a closed
//     handle returns ErrClosed.
//   - A nil *Options means "all defaults".
//   - Long calls are cancelled with an Interrupt attached to their Options, by a progress
//     callback returning false, or by a context.Context (WithContext, EM.FitContext).
package gmmot

// #cgo pkg-config: gmmot
// #include <gmmot/gmmot.h>
import "C"
