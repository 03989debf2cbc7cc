/* SPDX-License-Identifier: GPL-2.0-only */
/* Names of the stable drop reasons and port counters of abi.h. */
#ifndef HYP_REASONS_H
#define HYP_REASONS_H

#include <stdint.h>

const char *drop_reason_name(uint32_t reason);
int drop_reason_from_name(const char *name);
const char *port_stat_name(uint32_t stat);

#endif
