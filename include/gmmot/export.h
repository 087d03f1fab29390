/* SPDX-License-Identifier: MIT */
/* libgmmot: export and declaration macros. Hand-written so that the headers work straight
 * from a source checkout (bindgen, cgo, ctypes need no configure step). */
#ifndef GMMOT_EXPORT_H
#define GMMOT_EXPORT_H

#if defined(GMMOT_STATIC)
#define GMMOT_API
#elif defined(_WIN32) || defined(__CYGWIN__)
#if defined(GMMOT_BUILDING)
#define GMMOT_API __declspec(dllexport)
#else
#define GMMOT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define GMMOT_API __attribute__((visibility("default")))
#else
#define GMMOT_API
#endif

#ifdef __cplusplus
#define GMMOT_BEGIN_DECLS extern "C" {
#define GMMOT_END_DECLS }
#define GMMOT_NOEXCEPT noexcept
#else
#define GMMOT_BEGIN_DECLS
#define GMMOT_END_DECLS
#define GMMOT_NOEXCEPT
#endif

#endif /* GMMOT_EXPORT_H */
