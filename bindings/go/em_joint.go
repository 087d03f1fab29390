// SPDX-License-Identifier: MIT

package gmmot

// #include <stdlib.h>
// #include <string.h>
// #include <gmmot/gmmot.h>
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"unsafe"
)

// FitJoint fits one mixture per data set with one shared component family
// (gmmot_em_fit_joint, gmmot/em.h, since 0.5): with OptEMFamily = 1 (GMMOT_FAMILY_STUDENT_T) and
// OptEMDof = 0 the fits share one estimated nu, so that MW2 can compare them; otherwise they
// are independent fits. datasets[i] holds n_i points of dimension d (row-major); weights is nil
// or has one entry per data set, each nil (all 1) or n_i weights. Info then gives the sum of
// the mean log-likelihoods. The rules of Fit apply (one fit at a time per object).
func (e *EM) FitJoint(d int, datasets [][]float64, weights [][]float64) ([]*GMM, error) {
	return e.FitJointContext(nil, d, datasets, weights) //nolint:staticcheck // nil: no context
}

// FitJointContext is FitJoint, cancelled when ctx is done (as FitContext).
func (e *EM) FitJointContext(ctx context.Context, d int, datasets [][]float64, weights [][]float64) ([]*GMM, error) {
	const fn = "gmmot.EM.FitJoint"
	p, err := e.use(fn, true)
	if err != nil {
		return nil, err
	}
	defer e.done(true)
	j := len(datasets)
	if weights != nil && len(weights) != j {
		return nil, argError(EInvalidArgument, "%s: weights has %d entries, expected %d (one per data set)", fn, len(weights), j)
	}
	n := make([]C.size_t, j+1) // +1: never empty, so that j = 0 reaches the library's check
	for i, x := range datasets {
		ni, err := rows(fn, fmt.Sprintf("datasets[%d]", i), x, d)
		if err != nil {
			return nil, err
		}
		n[i] = sz(ni)
		if weights != nil {
			if err := optWeights(fn, fmt.Sprintf("weights[%d]", i), weights[i], ni); err != nil {
				return nil, err
			}
		}
	}
	// The arrays of pointers are C memory, and so are the data they point to: cgo forbids Go
	// memory that holds Go pointers, and Go pointers stored in C memory.
	ptrSize := C.size_t(unsafe.Sizeof(uintptr(0)))
	pts := (*[1 << 28]*C.double)(C.calloc(C.size_t(j+1), ptrSize))
	wts := (*[1 << 28]*C.double)(C.calloc(C.size_t(j+1), ptrSize))
	outs := (*[1 << 28]*C.gmmot_gmm_t)(C.calloc(C.size_t(j+1), ptrSize))
	defer C.free(unsafe.Pointer(outs))
	defer func() {
		for i := 0; i < j; i++ {
			C.free(unsafe.Pointer(pts[i]))
			C.free(unsafe.Pointer(wts[i]))
		}
		C.free(unsafe.Pointer(pts))
		C.free(unsafe.Pointer(wts))
	}()
	toC := func(s []float64) *C.double {
		if len(s) == 0 {
			return nil
		}
		m := (*C.double)(C.malloc(C.size_t(len(s)) * 8))
		C.memcpy(unsafe.Pointer(m), unsafe.Pointer(&s[0]), C.size_t(len(s))*8)
		return m
	}
	for i := 0; i < j; i++ {
		pts[i] = toC(datasets[i])
		if weights != nil {
			wts[i] = toC(weights[i])
		}
	}
	at, end, err := e.beginFit(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_em_fit_joint(p, sz(j), sz(d), &n[0], &pts[0], &wts[0], &outs[0]), at)
	if j == 0 || outs[0] == nil {
		return nil, err
	}
	res := make([]*GMM, j)
	for i := range res {
		res[i] = wrapGMM(outs[i])
	}
	return res, err
}
