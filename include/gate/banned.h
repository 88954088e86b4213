/* SPDX-License-Identifier: MIT */
/*
 * banned.h - functions this code base never calls (git's banned.h).
 * Using one is a compile error that names the function.
 */
#ifndef GATE_BANNED_H
#define GATE_BANNED_H

#define GATE_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) GATE_BANNED(strcpy)
#undef strcat
#define strcat(x, y) GATE_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) GATE_BANNED(strncpy)
#undef sprintf
#define sprintf(...) GATE_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GATE_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) GATE_BANNED(strtok)
#undef atoi
#define atoi(x) GATE_BANNED(atoi)
#undef atol
#define atol(x) GATE_BANNED(atol)
#undef gets
#define gets(x) GATE_BANNED(gets)
#undef gmtime
#define gmtime(x) GATE_BANNED(gmtime)
#undef localtime
#define localtime(x) GATE_BANNED(localtime)
#undef mktemp
#define mktemp(x) GATE_BANNED(mktemp)

#endif
