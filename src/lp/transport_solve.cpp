// SPDX-License-Identifier: MIT
// The LP entry point and the validation of the transport options: the one place where the exact
// or the entropic solver is chosen.
#include "lp/transport.hpp"

namespace gmmot {

void ExactOptions::validate() const {
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
}

void EntropicOptions::validate() const {
  check_bounds("epsilon", epsilon, kEpsilonBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
}

void TransportOptions::validate() const {
  check_bounds("method", static_cast<double>(static_cast<int>(method)), kMethodBounds);
  exact.validate();
  entropic.validate();
}

TransportResult transport_solve(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                const double *cost, const TransportOptions &options,
                                const Context &ctx, const double *warm_u, const double *warm_v) {
  options.validate();
  const bool warm = warm_u != nullptr || warm_v != nullptr;
  if (warm && (warm_u == nullptr || warm_v == nullptr))
    fail(Errc::InvalidArgument, "warm_u and warm_v must be given together");
  if (warm || options.method == TransportMethod::Exact)
    return transport_exact(k0, k1, a, b, cost, options.exact, ctx, warm_u, warm_v);
  return transport_entropic(k0, k1, a, b, cost, options.entropic, ctx);
}

}  // namespace gmmot
