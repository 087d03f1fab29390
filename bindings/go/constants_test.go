// SPDX-License-Identifier: MIT

package gmmot

import (
	"os"
	"testing"
)

// Every option key and progress stage of the headers has its Go constant with the same value
// (a new enumerator without one fails here).
func TestEveryOptionAndStageHasAConstant(t *testing.T) {
	if _, err := os.Stat("../../include/gmmot/gmmot.h"); err != nil {
		t.Skip("not inside the libgmmot source tree (../../include/gmmot): ", err)
	}
	options := map[string]Option{
		"GMMOT_OPT_NUM_THREADS":                OptNumThreads,
		"GMMOT_OPT_SEED":                       OptSeed,
		"GMMOT_OPT_BARYCENTER_TOLERANCE":       OptBarycenterTolerance,
		"GMMOT_OPT_BARYCENTER_MAX_ITERATIONS":  OptBarycenterMaxIterations,
		"GMMOT_OPT_TRANSPORT_METHOD":           OptTransportMethod,
		"GMMOT_OPT_EXACT_MAX_ITERATIONS":       OptExactMaxIterations,
		"GMMOT_OPT_ENTROPIC_EPSILON":           OptEntropicEpsilon,
		"GMMOT_OPT_ENTROPIC_TOLERANCE":         OptEntropicTolerance,
		"GMMOT_OPT_ENTROPIC_MAX_ITERATIONS":    OptEntropicMaxIterations,
		"GMMOT_OPT_EM_COMPONENTS":              OptEMComponents,
		"GMMOT_OPT_EM_TOLERANCE":               OptEMTolerance,
		"GMMOT_OPT_EM_MAX_ITERATIONS":          OptEMMaxIterations,
		"GMMOT_OPT_EM_REGULARIZATION":          OptEMRegularization,
		"GMMOT_OPT_EM_INITIALIZATIONS":         OptEMInitializations,
		"GMMOT_OPT_EM_SPLIT_MERGE":             OptEMSplitMerge,
		"GMMOT_OPT_EM_FAMILY":                  OptEMFamily,
		"GMMOT_OPT_EM_DOF":                     OptEMDof,
		"GMMOT_OPT_MMOT_MAX_TUPLES":            OptMMOTMaxTuples,
		"GMMOT_OPT_MMOT_MAX_ITERATIONS":        OptMMOTMaxIterations,
		"GMMOT_OPT_FIXED_POINT_METHOD":         OptFixedPointMethod,
		"GMMOT_OPT_FIXED_POINT_COMPONENTS":     OptFixedPointComponents,
		"GMMOT_OPT_FIXED_POINT_TOLERANCE":      OptFixedPointTolerance,
		"GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS": OptFixedPointMaxIterations,
		"GMMOT_OPT_FIXED_POINT_MAX_SUPPORT":    OptFixedPointMaxSupport,
		"GMMOT_OPT_RELAXED_COMPONENTS":         OptRelaxedComponents,
		"GMMOT_OPT_RELAXED_LAMBDA":             OptRelaxedLambda,
		"GMMOT_OPT_RELAXED_TOLERANCE":          OptRelaxedTolerance,
		"GMMOT_OPT_RELAXED_MAX_ITERATIONS":     OptRelaxedMaxIterations,
		"GMMOT_OPT_RELAXED_REGULARIZATION":     OptRelaxedRegularization,
		"GMMOT_OPT_RELAXED_INIT":               OptRelaxedInit,
		"GMMOT_OPT_GW_MAX_ITERATIONS":          OptGwMaxIterations,
		"GMMOT_OPT_GW_TOLERANCE":               OptGwTolerance,
		"GMMOT_OPT_GW_STARTS":                  OptGwStarts,
		"GMMOT_OPT_GW_ANNEALING":               OptGwAnnealing,
		"GMMOT_OPT_GW_EPSILON":                 OptGwEpsilon,
		"GMMOT_OPT_EW_MAX_ITERATIONS":          OptEwMaxIterations,
		"GMMOT_OPT_EW_TOLERANCE":               OptEwTolerance,
		"GMMOT_OPT_EW_STARTS":                  OptEwStarts,
		"GMMOT_OPT_EW_ANNEALING":               OptEwAnnealing,
		"GMMOT_OPT_EW_EPSILON":                 OptEwEpsilon,
		"GMMOT_OPT_EW_SIGN_FLIPS":              OptEwSignFlips,
		"GMMOT_OPT_EW_INNER_ITERATIONS":        OptEwInnerIterations,
		"GMMOT_OPT_TEXTURE_COMPONENTS":         OptTextureComponents,
		"GMMOT_OPT_TEXTURE_PATCH":              OptTexturePatch,
		"GMMOT_OPT_TEXTURE_FIT_PATCHES":        OptTextureFitPatches,
		"GMMOT_OPT_TEXTURE_EM_TOLERANCE":       OptTextureEmTolerance,
		"GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS":  OptTextureEmMaxIterations,
		"GMMOT_OPT_COLOUR_FIT_POINTS":          OptColourFitPoints,
		"GMMOT_OPT_COLOUR_MAP":                 OptColourMap,
		"GMMOT_OPT_COLOUR_SPACE":               OptColourSpace,
		"GMMOT_OPT_COLOUR_REGULARIZE":          OptColourRegularize,
		"GMMOT_OPT_COLOUR_RADIUS":              OptColourRadius,
		"GMMOT_OPT_COLOUR_EPSILON":             OptColourEpsilon,
		"GMMOT_OPT_COLOUR_SUBSAMPLE":           OptColourSubsample,
		"GMMOT_OPT_COLOUR_CLIP":                OptColourClip,
	}
	header := enumerators(t, "options.h", "GMMOT_OPT_")
	if len(header) != len(options) {
		t.Errorf("options.h has %d options, the package %d", len(header), len(options))
	}
	for name, v := range header {
		if o, ok := options[name]; !ok || int(o) != v {
			t.Errorf("%s = %d: Go constant %d (%v)", name, v, int(o), ok)
		}
	}
	stages := map[string]Stage{
		"GMMOT_STAGE_EM":            StageEM,
		"GMMOT_STAGE_EXACT_LP":      StageExactLP,
		"GMMOT_STAGE_SINKHORN":      StageSinkhorn,
		"GMMOT_STAGE_BARYCENTER":    StageBarycenter,
		"GMMOT_STAGE_COST_MATRIX":   StageCostMatrix,
		"GMMOT_STAGE_MAPS":          StageMaps,
		"GMMOT_STAGE_DENSITY":       StageDensity,
		"GMMOT_STAGE_MULTIMARGINAL": StageMultimarginal,
		"GMMOT_STAGE_FIXED_POINT":   StageFixedPoint,
		"GMMOT_STAGE_RELAXED":       StageRelaxed,
		"GMMOT_STAGE_GROMOV":        StageGromov,
		"GMMOT_STAGE_EMBEDDING":     StageEmbedding,
		"GMMOT_STAGE_TEXTURE":       StageTexture,
		"GMMOT_STAGE_COLOUR":        StageColour,
	}
	header = enumerators(t, "progress.h", "GMMOT_STAGE_")
	if len(header) != len(stages) {
		t.Errorf("progress.h has %d stages, the package %d", len(header), len(stages))
	}
	for name, v := range header {
		if s, ok := stages[name]; !ok || int(s) != v || s.String() == "" {
			t.Errorf("%s = %d: Go constant %d (%v)", name, v, int(s), ok)
		}
	}
}
