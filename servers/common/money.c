/*
 * Money: cents in, people's and JSON's forms out.
 */
#include <math.h>
#include <stdio.h>

#include "money.h"

#define MONEY_MAX_DOLLARS	10000000.0

void
common_money_format(long long cents, char *buf, size_t len)
{
	char		 digits[32], out[48];
	unsigned long long v;
	int		 n, i, o = 0;

	if (len == 0)
		return;
	v = cents < 0 ? 0ULL - (unsigned long long)cents :
	    (unsigned long long)cents;
	n = snprintf(digits, sizeof digits, "%llu", v / 100);
	if (cents < 0)
		out[o++] = '-';
	out[o++] = '$';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (v % 100 != 0)
		o += snprintf(out + o, sizeof out - (size_t)o, ".%02llu",
		    v % 100);
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}

cJSON *
common_money_add(cJSON *obj, const char *name, long long cents)
{
	return (cJSON_AddNumberToObject(obj, name, (double)cents / 100.0));
}

int
common_money_from_json(const cJSON *item, long long *cents, char *err,
    size_t errlen)
{
	double	d;

	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble)) {
		snprintf(err, errlen, "must be a number of US dollars");
		return (-1);
	}
	d = item->valuedouble;
	if (d < 0 || d > MONEY_MAX_DOLLARS) {
		snprintf(err, errlen, "must be between 0 and 10000000 US dollars");
		return (-1);
	}
	*cents = llround(d * 100.0);
	return (0);
}
