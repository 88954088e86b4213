/* SPDX-License-Identifier: MIT */
/*
 * compat.h - the first include of every .c file: feature macros, compiler
 * attributes and the banned-function list.
 */
#ifndef GATE_COMPAT_H
#define GATE_COMPAT_H

#ifndef _POSIX_C_SOURCE
# define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
# define _DEFAULT_SOURCE 1
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/*
 * The system headers that declare banned functions come first, so that
 * banned.h's macros (included last) do not break their declarations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__) || defined(__clang__)
# define GATE_PRINTF(f, a) __attribute__((format(printf, f, a)))
# define GATE_WUR          __attribute__((warn_unused_result))
# define GATE_UNUSED       __attribute__((unused))
# define GATE_NORETURN     __attribute__((noreturn))
#else
# define GATE_PRINTF(f, a)
# define GATE_WUR
# define GATE_UNUSED
# define GATE_NORETURN
#endif

#define GATE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "gate/banned.h"

#endif
