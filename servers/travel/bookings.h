/*
 * Bookings. Each booking runs in one BEGIN IMMEDIATE transaction that
 * looks up its idempotency key, rebuilds the offer, re-checks its price and
 * availability, takes the seats or rooms and records the booking: two
 * servers on one database never sell the same seat twice, and a crash
 * leaves all of it or none. A retried key returns the first booking.
 *
 * Each function returns 0 with *booking (a JSON object the caller owns),
 * 1 when the request is wrong or cannot be met (err says why, naming the
 * field, for the user), or -1 on a database error (err filled). Nothing is
 * changed unless 0 is returned.
 */
#ifndef SERVERS_TRAVEL_BOOKINGS_H
#define SERVERS_TRAVEL_BOOKINGS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

/* A confirmation code: 6 letters and digits, and its NUL. */
#define TRAVEL_CONFIRMATION_LEN	7

/*
 * Test hooks, read from the environment at each booking:
 * TRIPMCP_TEST_CRASH_IN_BOOKING=1 makes the process _exit(70) after the
 * booking's writes and before its COMMIT (the kill -9 test);
 * TRIPMCP_TEST_BOOKING_DELAY_MS=N sleeps N ms (at most 5000) inside the
 * transaction before its checks, so two processes overlap (the race test).
 */

/* Booking */
/* *replayed: the key had booked this already; the same booking is back. */
int	 travel_bookings_flight(sqlite3 *, const char *offer_id, int travelers,
	     const char *seat_preference, const char *idempotency_key,
	     cJSON **booking, bool *replayed, char *err, size_t errlen);
int	 travel_bookings_hotel(sqlite3 *, const char *offer_id, int guests,
	     const char *idempotency_key, cJSON **booking, bool *replayed,
	     char *err, size_t errlen);
/* *already: it had been cancelled before (nothing changed). */
int	 travel_bookings_cancel(sqlite3 *, const char *confirmation,
	     cJSON **booking, bool *already, char *err, size_t errlen);

/* Reading */
int	 travel_bookings_get(sqlite3 *, const char *confirmation,
	     cJSON **booking, char *err, size_t errlen);
/* status: "confirmed", "cancelled" or NULL for all; kind likewise. *list
 * is an array, newest first. */
int	 travel_bookings_list(sqlite3 *, const char *status, const char *kind,
	     cJSON **list, char *err, size_t errlen);

/* Normalises a confirmation code in place (upper case); 0 when it has the
 * form of one, -1 otherwise. */
int	 travel_bookings_code(char *code);

#endif
