#include "mixture/gmm.hpp"

#include "util/error.hpp"
#include "util/sizes.hpp"
#include "util/weights.hpp"

namespace gmmot {

void require_mixture_shape(std::size_t k, std::size_t d, const char *k_name) {
  if (k == 0)
    fail(Errc::Dimension, std::string(k_name) + " is 0 (a mixture needs at least one component)");
  checked_dim(d);
  checked_mul(checked_mul(k, d, "K*d"), d, "K*d*d");
}

Gmm::Gmm(std::size_t k, std::size_t d, const double *weights, const double *means,
         const double *covs, std::string *warning)
    : d_(d) {
  require_mixture_shape(k, d, "k");
  const std::size_t dd = d * d;
  weights_ = normalized_weights(weights, k, "weights");
  require_finite(means, k * d, "means", d);
  means_.assign(means, means + k * d);
  covs_.resize(k * dd);
  factors_.reserve(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::string what = "covs[" + std::to_string(c) + "]";
    const int di = static_cast<int>(d);
    validate_covariance(di, covs + c * dd, what, covs_.data() + c * dd, warning);
    factors_.push_back(factor_covariance(di, covs_.data() + c * dd, what));
  }
}

}  // namespace gmmot
