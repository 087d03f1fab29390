// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

// TextureStages names the stages of SynthesizeTexture, in the order of Texture.Seconds.
var TextureStages = [C.GMMOT_TEXTURE_STAGE_COUNT]string{"adsn", "patches", "fit_exemplar",
	"fit_adsn", "plan", "map", "aggregate"}

// TextureImage is an image of Height rows of Width pixels of Channels interleaved values,
// row-major (any number of channels; the colour functions' RGBImage is RGB only).
type TextureImage struct {
	Pixels                  []float64
	Width, Height, Channels int
}

// Texture is a synthesised texture (Width x Height x the exemplar's channels) and the
// wall-clock seconds of each stage (TextureStages).
type Texture struct {
	TextureImage
	Seconds [C.GMMOT_TEXTURE_STAGE_COUNT]float64
}

func textureArgs(fn string, u TextureImage, outWidth, outHeight int) (int, error) {
	if u.Width < 0 || u.Height < 0 || u.Channels < 0 || len(u.Pixels) != u.Width*u.Height*u.Channels {
		return 0, argError(EDimension, "%s: exemplar has %d values, expected width*height*channels = %d*%d*%d",
			fn, len(u.Pixels), u.Width, u.Height, u.Channels)
	}
	if len(u.Pixels) == 0 {
		return 0, argError(EDimension, "%s: the exemplar is empty (%d x %d x %d)", fn, u.Width, u.Height, u.Channels)
	}
	if outWidth <= 0 || outHeight <= 0 {
		return 0, argError(EDimension, "%s: outWidth and outHeight must be positive (%d x %d)", fn, outWidth, outHeight)
	}
	return outWidth * outHeight * u.Channels, nil
}

// SynthesizeTexture synthesises an outWidth x outHeight texture like the exemplar u by the MW2
// transport of patch mixtures (gmmot_texture_synthesize; Delon-Desolneux 2020, section 7.2).
// Options OptTexture*, OptSeed, OptNumThreads, the transport options, progress and interrupt.
// A *Warning (WNotConverged) comes with a result when an EM fit reached its cap.
func SynthesizeTexture(u TextureImage, outWidth, outHeight int, opts *Options) (*Texture, error) {
	n, err := textureArgs("gmmot.SynthesizeTexture", u, outWidth, outHeight)
	if err != nil {
		return nil, err
	}
	t := &Texture{TextureImage: TextureImage{Pixels: make([]float64, n), Width: outWidth, Height: outHeight,
		Channels: u.Channels}}
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_texture_synthesize(dptr(u.Pixels), sz(u.Width), sz(u.Height), sz(u.Channels),
			sz(outWidth), sz(outHeight), op, dptr(t.Pixels), sz(n), (*C.double)(&t.Seconds[0]),
			sz(len(t.Seconds)))
	})
	if err != nil && !IsWarning(err) {
		return nil, err
	}
	return t, err
}

// TextureADSN is the ADSN (the Gaussian texture with the exemplar's mean and covariance) that
// SynthesizeTexture with the same arguments transports (gmmot_texture_adsn).
func TextureADSN(u TextureImage, outWidth, outHeight int, opts *Options) (*TextureImage, error) {
	n, err := textureArgs("gmmot.TextureADSN", u, outWidth, outHeight)
	if err != nil {
		return nil, err
	}
	out := &TextureImage{Pixels: make([]float64, n), Width: outWidth, Height: outHeight, Channels: u.Channels}
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_texture_adsn(dptr(u.Pixels), sz(u.Width), sz(u.Height), sz(u.Channels),
			sz(outWidth), sz(outHeight), op, dptr(out.Pixels), sz(n))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
