// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// MW2Barycenter is a barycenter of mixtures for MW2 (gmmot/barycenter.h): immutable, readable
// from any number of goroutines.
type MW2Barycenter struct {
	h  handle
	ks []int // the input mixtures' component counts (the length of the LP duals)
}

func wrapBarycenter(p *C.gmmot_mw2_barycenter_t, ks []int) *MW2Barycenter {
	return track(&MW2Barycenter{ks: ks}, p, func(p *C.gmmot_mw2_barycenter_t) {
		C.gmmot_mw2_barycenter_destroy(p)
	})
}

func (b *MW2Barycenter) ref() *handle {
	if b == nil {
		return nil
	}
	return &b.h
}

// Close frees the result (idempotent; also run by a finalizer).
func (b *MW2Barycenter) Close() error { return closeRef(b) }

func (b *MW2Barycenter) use() (*C.gmmot_mw2_barycenter_t, error) {
	return useRef[C.gmmot_mw2_barycenter_t](b)
}
func (b *MW2Barycenter) done() { doneRef(b) }

// useMixtures acquires every mixture and gives the C pointer array (Go memory holding C
// pointers only, as cgo allows) and the common dimension of the first.
func useMixtures(fn string, gmms []*GMM, lambda []float64) ([]*C.gmmot_gmm_t, func(), error) {
	if err := checkLen(fn, "lambda", len(lambda), len(gmms), "len(gmms)"); err != nil {
		return nil, nil, err
	}
	if len(gmms) == 0 {
		return nil, nil, argError(EDimension, "%s: no mixtures (J = 0)", fn)
	}
	ps := make([]*C.gmmot_gmm_t, len(gmms))
	var held []*GMM
	done := func() {
		for _, g := range held {
			g.done()
		}
	}
	for i, g := range gmms {
		p, err := g.use()
		if err != nil {
			done()
			return nil, nil, argError(EInvalidArgument, "%s: gmms[%d] is nil or closed", fn, i)
		}
		held = append(held, g)
		ps[i] = p
	}
	return ps, done, nil
}

// barycenterOf wraps a result of the mixtures ps, recording their component counts.
func barycenterOf(ps []*C.gmmot_gmm_t) func(*C.gmmot_mw2_barycenter_t) *MW2Barycenter {
	return func(out *C.gmmot_mw2_barycenter_t) *MW2Barycenter {
		ks := make([]int, len(ps))
		for i, p := range ps {
			ks[i] = int(C.gmmot_gmm_ncomponents(p))
		}
		return wrapBarycenter(out, ks)
	}
}

// MW2BarycenterExact is the exact MW2 barycenter of gmms with weights lambda (one per
// mixture, on the simplex), by the multi-marginal LP.
func MW2BarycenterExact(gmms []*GMM, lambda []float64, opts *Options) (*MW2Barycenter, error) {
	ps, done, err := useMixtures("gmmot.MW2BarycenterExact", gmms, lambda)
	if err != nil {
		return nil, err
	}
	defer done()
	return create(opts, barycenterOf(ps), func(op *C.gmmot_options_t, out **C.gmmot_mw2_barycenter_t) C.int {
		return C.gmmot_mw2_barycenter_exact(&ps[0], sz(len(ps)), dptr(lambda),
			sz(len(lambda)), op, out)
	})
}

// MW2BarycenterFixedSupport is the barycenter supported on the n Gaussians N(means[s],
// covs[s]) (means n x d, covs n x d x d, d the mixtures' dimension).
func MW2BarycenterFixedSupport(gmms []*GMM, lambda, means, covs []float64, opts *Options) (*MW2Barycenter, error) {
	const fn = "gmmot.MW2BarycenterFixedSupport"
	ps, done, err := useMixtures(fn, gmms, lambda)
	if err != nil {
		return nil, err
	}
	defer done()
	d := int(C.gmmot_gmm_dim(ps[0]))
	n, err := rows(fn, "means", means, d)
	if err != nil {
		return nil, err
	}
	ndd, ok := mulOK(n, d, d)
	if !ok {
		return nil, argError(ETooLarge, "%s: covs: (len(means)/d)*d*d = %d*%d*%d overflows", fn, n, d, d)
	}
	if err := checkLen(fn, "covs", len(covs), ndd, "(len(means)/d)*d*d"); err != nil {
		return nil, err
	}
	return create(opts, barycenterOf(ps), func(op *C.gmmot_options_t, out **C.gmmot_mw2_barycenter_t) C.int {
		return C.gmmot_mw2_barycenter_fixed_support(&ps[0], sz(len(ps)),
			dptr(lambda), sz(len(lambda)), sz(n), nonNil(means), sz(len(means)), nonNil(covs),
			sz(len(covs)), op, out)
	})
}

// MW2BarycenterFixedPoint is the fixed-point barycenter (OptFixedPointMethod), started from
// init or, if init is nil, from OptFixedPointComponents random tuple barycenters. A *Warning
// (WNotConverged) comes with the lowest-energy iterate.
func MW2BarycenterFixedPoint(gmms []*GMM, lambda []float64, init *GMM, opts *Options) (*MW2Barycenter, error) {
	const fn = "gmmot.MW2BarycenterFixedPoint"
	ps, done, err := useMixtures(fn, gmms, lambda)
	if err != nil {
		return nil, err
	}
	defer done()
	var ip *C.gmmot_gmm_t
	if init != nil {
		if ip, err = init.use(); err != nil {
			return nil, argError(EInvalidArgument, "%s: init is closed", fn)
		}
		defer init.done()
	}
	return create(opts, barycenterOf(ps), func(op *C.gmmot_options_t, out **C.gmmot_mw2_barycenter_t) C.int {
		return C.gmmot_mw2_barycenter_fixed_point(&ps[0], sz(len(ps)),
			dptr(lambda), sz(len(lambda)), ip, op, out)
	})
}

// GMM is the barycenter as a mixture (sharing the result's data).
func (b *MW2Barycenter) GMM() (*GMM, error) {
	p, err := b.use()
	if err != nil {
		return nil, err
	}
	defer b.done()
	// A warning comes with the object written: own it either way.
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_mw2_barycenter_gmm(p, out)
	})
}

// Cost is V = sum_j lambda_j MW2^2(barycenter, mu_j).
func (b *MW2Barycenter) Cost() (float64, error) {
	p, err := b.use()
	if err != nil {
		return 0, err
	}
	defer b.done()
	var c C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_barycenter_cost(p, &c), nil)
	return float64(c), err
}

// Count is the number J of input mixtures (0 once closed).
func (b *MW2Barycenter) Count() int {
	p, err := b.use()
	if err != nil {
		return 0
	}
	defer b.done()
	return int(C.gmmot_mw2_barycenter_count(p))
}

// Components is the number of barycenter components (0 once closed).
func (b *MW2Barycenter) Components() int {
	p, err := b.use()
	if err != nil {
		return 0
	}
	defer b.done()
	return int(C.gmmot_mw2_barycenter_components(p))
}

// PlanNNZ is the number of non-zeros of the plan to mixture j (0 for j out of range).
func (b *MW2Barycenter) PlanNNZ(j int) int {
	p, err := b.use()
	if err != nil || j < 0 {
		return 0
	}
	defer b.done()
	return int(C.gmmot_mw2_barycenter_plan_nnz(p, sz(j)))
}

// Plan is the plan between the barycenter and mixture j as sorted triplets (barycenter
// component, component of mu_j, mass).
func (b *MW2Barycenter) Plan(j int) (rows, cols []int, mass []float64, err error) {
	p, err := b.use()
	if err != nil {
		return nil, nil, nil, err
	}
	defer b.done()
	if j < 0 {
		return nil, nil, nil, argError(EInvalidArgument, "gmmot.MW2Barycenter.Plan: j = %d", j)
	}
	n := int(C.gmmot_mw2_barycenter_plan_nnz(p, sz(j)))
	r, c, m := make([]C.size_t, n), make([]C.size_t, n), make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_barycenter_copy_plan(p, sz(j), zptr(r), zptr(c), dptr(m), sz(n)), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return toInts(r), toInts(c), m, nil
}

// Tuples gives, for the exact and true fixed-point methods, the tuple of input components of
// each barycenter component: Components() x Count() indices, row-major.
func (b *MW2Barycenter) Tuples() ([]int, error) {
	p, err := b.use()
	if err != nil {
		return nil, err
	}
	defer b.done()
	n := int(C.gmmot_mw2_barycenter_components(p)) * int(C.gmmot_mw2_barycenter_count(p))
	t := make([]C.size_t, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_barycenter_copy_tuples(p, zptr(t), sz(n)), nil); err != nil {
		return nil, err
	}
	return toInts(t), nil
}

// Duals gives the LPs' dual potentials u_j(k), sum_j K_j values in mixture order
// (ErrInvalidArgument for the fixed point).
func (b *MW2Barycenter) Duals() ([]float64, error) {
	p, err := b.use()
	if err != nil {
		return nil, err
	}
	defer b.done()
	total := 0
	for _, k := range b.ks {
		total += k
	}
	out := make([]float64, total)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_barycenter_copy_duals(p, dptr(out), sz(total)), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// Certificate holds an LP barycenter's optimality certificates, absolute, in cost units.
type Certificate struct {
	PrimalInfeasibility, DualInfeasibility, DualityGap float64
}

// Certificate gives the LPs' optimality certificates (ErrInvalidArgument for the fixed point).
func (b *MW2Barycenter) Certificate() (Certificate, error) {
	p, err := b.use()
	if err != nil {
		return Certificate{}, err
	}
	defer b.done()
	var pi, di, gap C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_barycenter_certificate(p, &pi, &di, &gap), nil); err != nil {
		return Certificate{}, err
	}
	return Certificate{float64(pi), float64(di), float64(gap)}, nil
}

// Info gives the simplex pivots or fixed-point iterations, the tuple barycenters computed and
// the pricing rounds.
func (b *MW2Barycenter) Info() (iterations, tupleCosts, pricingRounds uint64, err error) {
	p, err := b.use()
	if err != nil {
		return 0, 0, 0, err
	}
	defer b.done()
	var it, tc, pr C.uint64_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_mw2_barycenter_info(p, &it, &tc, &pr), nil)
	return uint64(it), uint64(tc), uint64(pr), err
}

// Energies gives V per fixed-point iterate (the start first), or the one value V of an LP.
func (b *MW2Barycenter) Energies() ([]float64, error) {
	p, err := b.use()
	if err != nil {
		return nil, err
	}
	defer b.done()
	n := int(C.gmmot_mw2_barycenter_energies_len(p))
	out := make([]float64, n)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_mw2_barycenter_copy_energies(p, dptr(out), sz(n)), nil); err != nil {
		return nil, err
	}
	return out, nil
}
