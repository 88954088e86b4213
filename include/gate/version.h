/* SPDX-License-Identifier: MIT */
#ifndef GATE_VERSION_H
#define GATE_VERSION_H

#define GATE_NAME                  "prisma-gate"
#define GATE_VERSION               "0.1.0"
#define GATE_REPORT_FORMAT_VERSION 1

#endif
