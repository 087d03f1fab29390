/* SPDX-License-Identifier: MIT */
/** @file export.h
 *  @brief Export and declaration macros.
 *
 * Hand-written so that the headers work straight from a source checkout (bindgen, cgo, ctypes
 * need no configure step). GMMOT_API marks every exported function: default visibility with
 * GCC and Clang, dllexport/dllimport on Windows, nothing when GMMOT_STATIC is defined.
 * GMMOT_BEGIN_DECLS and GMMOT_END_DECLS wrap the declarations in extern "C" for C++, where
 * GMMOT_NOEXCEPT is noexcept; in C all three are empty. */
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
