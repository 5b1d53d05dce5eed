// <Eigen/Core> for the whole project: include this, never Eigen directly. GCC 12 reports a false
// -W(maybe-)uninitialized inside its own AVX-512 headers (_mm512_undefined_ps' `__m512 __Y = __Y;`)
// whenever Eigen's packet math is inlined (GCC PR 105593, fixed in GCC 13). The warnings are silenced
// for the lines of those headers and Eigen's only: our code keeps both warnings in every target.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>  // first here, so that the intrinsics' lines are inside the silenced region
#include <Eigen/Core>
#pragma GCC diagnostic pop
#else
#include <Eigen/Core>
#endif
