// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import ()

// Values of OptColourSpace.
const (
	ColourRGB   = C.GMMOT_COLOUR_RGB
	ColourLab   = C.GMMOT_COLOUR_LAB
	ColourYCbCr = C.GMMOT_COLOUR_YCBCR
)

// RGBImage is a row-major interleaved RGB image (the colour-transfer functions; TextureImage
// is the general one of the texture functions): Pix has 3*Width*Height values in [0, 1], pixel
// (x, y) channel c at Pix[3*(y*Width+x)+c].
type RGBImage struct {
	Width, Height int
	Pix           []float64
}

// ColourInfo holds the stage timings (seconds) and counts of one ColourTransfer
// (gmmot_colour_info).
type ColourInfo struct {
	FitSourceSeconds, FitTargetSeconds, PlanSeconds, MapSeconds, RegularizeSeconds float64
	TotalSeconds                                                                   float64
	MW2Squared                                                                     float64
	EMIterationsSource, EMIterationsTarget                                         uint64
	ColoursSource, ColoursTarget                                                   uint64 // distinct colours fitted
	Radius, Subsample                                                              uint64 // 0 when not regularised
}

func checkImage(fn, arg string, img RGBImage) error {
	if img.Width <= 0 || img.Height <= 0 {
		return argError(EDimension, "%s: %s is empty (%d x %d pixels)", fn, arg, img.Width, img.Height)
	}
	n, err := outLen(fn, arg+".Pix", 8, img.Width, img.Height, 3)
	if err != nil {
		return err
	}
	return checkLen(fn, arg+".Pix", len(img.Pix), n, "3*Width*Height")
}

// ColourTransfer recolours source with the palette of target (gmmot_colour_transfer; Delon &
// Desolneux 2020 section 7.1): EM fits of both palettes (every EM option of opts applies to
// both), the MW2 plan, T_mean or T_rand in the space OptColourSpace, the guided filter of the
// colour change (OptColourRegularize, OptColourRadius, OptColourEpsilon) and clipping. A
// *Warning (WNotConverged) comes with a written result.
func ColourTransfer(source, target RGBImage, opts *Options) (RGBImage, ColourInfo, error) {
	const fn = "gmmot.ColourTransfer"
	if err := checkImage(fn, "source", source); err != nil {
		return RGBImage{}, ColourInfo{}, err
	}
	if err := checkImage(fn, "target", target); err != nil {
		return RGBImage{}, ColourInfo{}, err
	}
	out := RGBImage{Width: source.Width, Height: source.Height, Pix: make([]float64, len(source.Pix))}
	var info [C.GMMOT_COLOUR_INFO_COUNT]float64
	err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_colour_transfer(dptr(source.Pix), sz(source.Width), sz(source.Height),
			dptr(target.Pix), sz(target.Width), sz(target.Height), op, dptr(out.Pix), sz(len(out.Pix)),
			dptr(info[:]), sz(len(info)))
	})
	if err != nil && !IsWarning(err) {
		return RGBImage{}, ColourInfo{}, err
	}
	ci := ColourInfo{
		FitSourceSeconds:   info[C.GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS],
		FitTargetSeconds:   info[C.GMMOT_COLOUR_INFO_FIT_TARGET_SECONDS],
		PlanSeconds:        info[C.GMMOT_COLOUR_INFO_PLAN_SECONDS],
		MapSeconds:         info[C.GMMOT_COLOUR_INFO_MAP_SECONDS],
		RegularizeSeconds:  info[C.GMMOT_COLOUR_INFO_REGULARIZE_SECONDS],
		TotalSeconds:       info[C.GMMOT_COLOUR_INFO_TOTAL_SECONDS],
		MW2Squared:         info[C.GMMOT_COLOUR_INFO_MW2_SQUARED],
		EMIterationsSource: uint64(info[C.GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE]),
		EMIterationsTarget: uint64(info[C.GMMOT_COLOUR_INFO_EM_ITERATIONS_TARGET]),
		ColoursSource:      uint64(info[C.GMMOT_COLOUR_INFO_COLOURS_SOURCE]),
		ColoursTarget:      uint64(info[C.GMMOT_COLOUR_INFO_COLOURS_TARGET]),
		Radius:             uint64(info[C.GMMOT_COLOUR_INFO_RADIUS]),
		Subsample:          uint64(info[C.GMMOT_COLOUR_INFO_SUBSAMPLE]),
	}
	return out, ci, err
}

// ColourRegularize is the regularisation step alone (gmmot_colour_regularize): source +
// GF(mapped - source), the colour change of any recolouring filtered by the colour guided
// filter with source as guide, clipped unless OptColourClip is 0. mapped has source's size.
// Returns the image and the radius used.
func ColourRegularize(source, mapped RGBImage, opts *Options) (RGBImage, int, error) {
	const fn = "gmmot.ColourRegularize"
	if err := checkImage(fn, "source", source); err != nil {
		return RGBImage{}, 0, err
	}
	if mapped.Width != source.Width || mapped.Height != source.Height {
		return RGBImage{}, 0, argError(EDimension, "%s: mapped is %d x %d, source %d x %d", fn,
			mapped.Width, mapped.Height, source.Width, source.Height)
	}
	if err := checkImage(fn, "mapped", mapped); err != nil {
		return RGBImage{}, 0, err
	}
	out := RGBImage{Width: source.Width, Height: source.Height, Pix: make([]float64, len(source.Pix))}
	var radius C.size_t
	if err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_colour_regularize(dptr(source.Pix), sz(source.Width), sz(source.Height),
			dptr(mapped.Pix), op, dptr(out.Pix), sz(len(out.Pix)), &radius)
	}); err != nil {
		return RGBImage{}, 0, err
	}
	return out, int(radius), nil
}
