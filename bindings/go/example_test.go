// SPDX-License-Identifier: MIT

package gmmot_test

import (
	"errors"
	"fmt"
	"log"

	"libgmmot.org/gmmot"
)

// The README's example, checked by `go test`.
func Example() {
	// Two 1-D mixtures: weights, means (K x d), covariances (K x d x d), row-major.
	g0, err := gmmot.NewGMM(2, 1, []float64{0.5, 0.5}, []float64{0, 10}, []float64{1, 1})
	if err != nil {
		log.Fatal(err)
	}
	defer g0.Close()
	g1, err := gmmot.NewGMM(2, 1, []float64{0.5, 0.5}, []float64{1, 12}, []float64{4, 1})
	if err != nil {
		log.Fatal(err)
	}
	defer g1.Close()

	opts, err := gmmot.NewOptions()
	if err != nil {
		log.Fatal(err)
	}
	defer opts.Close()
	opts.SetInt(gmmot.OptNumThreads, 1)

	plan, err := gmmot.NewMW2(g0, g1, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer plan.Close()
	sq, _, _ := plan.Distance()
	fmt.Printf("MW2^2 = %.6f\n", sq)

	mapped, _ := plan.MapMean([]float64{0, 10}, nil)
	fmt.Printf("%.6f\n", mapped)

	_, err = gmmot.NewGMM(1, 1, []float64{-1}, []float64{0}, []float64{1})
	var e *gmmot.Error
	if errors.As(err, &e) && errors.Is(err, gmmot.ErrWeights) {
		fmt.Println(e.Name)
	}
	// Output:
	// MW2^2 = 3.000000
	// [1.000000 12.000000]
	// GMMOT_E_WEIGHTS
}
