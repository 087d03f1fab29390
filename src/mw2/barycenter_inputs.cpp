// SPDX-License-Identifier: MIT
// TEMPORARY (lead): replaced by the fixed-point helper's version at merge.
#include <string>

#include "mw2/mixture_barycenter.hpp"
#include "util/error.hpp"
#include "util/weights.hpp"

namespace gmmot {

BarycenterInputs make_barycenter_inputs(std::vector<std::shared_ptr<const Gmm>> mixtures,
                                        const double *lambda) {
  if (mixtures.empty()) fail(Errc::Dimension, "no mixtures");
  for (std::size_t j = 0; j < mixtures.size(); ++j) {
    if (!mixtures[j]) fail(Errc::InvalidArgument, "gmms[" + std::to_string(j) + "] is NULL");
    if (mixtures[j]->d() != mixtures[0]->d()) fail(Errc::Dimension, "dimension");
  }
  BarycenterInputs in;
  in.lambda = normalized_weights(lambda, mixtures.size(), "lambda");
  in.mixtures = std::move(mixtures);
  return in;
}

void MultimarginalOptions::validate() const {
  check_bounds("max_tuples", max_tuples, kMaxTuplesBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  gaussian.validate();
}

}  // namespace gmmot
