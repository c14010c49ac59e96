/*
 * Money. Amounts are whole cents in a long long (never floating point);
 * formatting for people ("$1,400", "$1,099.50") and for JSON (a number of
 * dollars with at most two decimals).
 */
#ifndef SERVERS_COMMON_MONEY_H
#define SERVERS_COMMON_MONEY_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Every simulated price is in this currency. */
#define COMMON_MONEY_CURRENCY	"USD"

/*
 * Writes cents as "$1,400" (whole dollars) or "$1,099.50", with a leading
 * '-' when negative; truncated to fit len.
 */
void	 common_money_format(long long cents, char *buf, size_t len);
/* Adds name: dollars (1099.5) to obj; returns the new item. */
cJSON	*common_money_add(cJSON *obj, const char *name, long long cents);
/*
 * Reads a JSON number of dollars (as a tool argument: 1500, 1099.5) into
 * cents, rounding to the nearest cent. -1 with err when it is not a finite
 * number from 0 to 10,000,000.
 */
int	 common_money_from_json(const cJSON *, long long *cents, char *err,
	     size_t errlen);

#endif
