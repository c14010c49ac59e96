/*
 * Bookings. The write lock is taken first (BEGIN IMMEDIATE), so what the
 * checks read is what the writes change: the last seat goes to exactly one
 * of two servers racing for it, and the loser is told so.
 */
#include <sys/random.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servers/common/date.h"
#include "servers/common/money.h"

#include "bookings.h"
#include "db.h"
#include "flights.h"
#include "hotels.h"

/* Letters and digits that cannot be misread (no 0/O, 1/I). */
static const char bookings_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static const char bookings_by_key_sql[] =
    "SELECT confirmation, request FROM bookings WHERE idempotency_key = ?1";

static const char bookings_exists_sql[] =
    "SELECT 1 FROM bookings WHERE confirmation = ?1";

static const char bookings_insert_sql[] =
    "INSERT INTO bookings (confirmation, kind, offer_id, status, party, "
    "units, total_cents, summary, details, idempotency_key, request, "
    "created_at) VALUES (?1, ?2, ?3, 'confirmed', ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11)";

static const char bookings_seat_sql[] =
    "INSERT INTO booking_seats (booking_id, flight, date, cabin, seats) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

static const char bookings_get_sql[] =
    "SELECT id, confirmation, kind, offer_id, status, party, units, "
    "total_cents, summary, details, created_at, cancelled_at FROM bookings "
    "WHERE confirmation = ?1";

static const char bookings_list_sql[] =
    "SELECT id, confirmation, kind, offer_id, status, party, units, "
    "total_cents, summary, details, created_at, cancelled_at FROM bookings "
    "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2) "
    "ORDER BY id DESC LIMIT 1000";

static const char bookings_seats_of_sql[] =
    "SELECT flight, date, cabin, seats FROM booking_seats WHERE "
    "booking_id = ?1";

static const char bookings_release_sql[] =
    "UPDATE flight_seats SET sold = max(sold - ?4, 0) WHERE flight = ?1 AND "
    "date = ?2 AND cabin = ?3";

static const char bookings_cancel_sql[] =
    "UPDATE bookings SET status = 'cancelled', cancelled_at = ?2 WHERE "
    "id = ?1";

int
travel_bookings_code(char *code)
{
	size_t	i;

	if (strlen(code) != TRAVEL_CONFIRMATION_LEN - 1)
		return (-1);
	for (i = 0; code[i] != '\0'; i++) {
		code[i] = (char)toupper((unsigned char)code[i]);
		if (!isalnum((unsigned char)code[i]))
			return (-1);
	}
	return (0);
}

static int
bookings_dberr(sqlite3 *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "travel database: %s", sqlite3_errmsg(db));
	return (-1);
}

/* The row of the current statement as a booking object. */
static cJSON *
bookings_json(sqlite3_stmt *st)
{
	cJSON		*j = cJSON_CreateObject(), *details;
	const char	*kind = travel_db_text(st, 2);
	char		 uri[64];

	cJSON_AddStringToObject(j, "confirmation", travel_db_text(st, 1));
	snprintf(uri, sizeof uri, "travel://bookings/%s", travel_db_text(st, 1));
	cJSON_AddStringToObject(j, "uri", uri);
	cJSON_AddStringToObject(j, "kind", kind);
	cJSON_AddStringToObject(j, "status", travel_db_text(st, 4));
	cJSON_AddStringToObject(j, "offerId", travel_db_text(st, 3));
	cJSON_AddNumberToObject(j, strcmp(kind, "flight") == 0 ? "travelers" :
	    "guests", sqlite3_column_int(st, 5));
	common_money_add(j, "total", sqlite3_column_int64(st, 7));
	cJSON_AddStringToObject(j, "currency", COMMON_MONEY_CURRENCY);
	cJSON_AddStringToObject(j, "summary", travel_db_text(st, 8));
	if ((details = cJSON_Parse(travel_db_text(st, 9))) == NULL)
		details = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "details", details);
	cJSON_AddStringToObject(j, "createdAt", travel_db_text(st, 10));
	if (sqlite3_column_type(st, 11) != SQLITE_NULL)
		cJSON_AddStringToObject(j, "cancelledAt",
		    travel_db_text(st, 11));
	cJSON_AddStringToObject(j, "simulated", TRAVEL_SIMULATED);
	return (j);
}

/* 0 found (*booking set), 1 not found, -1 error. */
static int
bookings_fetch(sqlite3 *db, const char *code, cJSON **booking, long long *id,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = travel_db_stmt(db, bookings_get_sql, err, errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*booking = bookings_json(st);
		if (id != NULL)
			*id = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return (bookings_dberr(db, err, errlen));
	return (rc == SQLITE_ROW ? 0 : 1);
}

/*
 * The idempotency key: 0 when new, 2 when it booked this same request
 * (*booking is that booking), 1 when it booked something else.
 */
static int
bookings_check_key(sqlite3 *db, const char *key, const char *request,
    cJSON **booking, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	char		 code[TRAVEL_CONFIRMATION_LEN];
	int		 rc, same;

	if ((st = travel_db_stmt(db, bookings_by_key_sql, err, errlen)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return (rc == SQLITE_DONE ? 0 : bookings_dberr(db, err,
		    errlen));
	}
	snprintf(code, sizeof code, "%s", travel_db_text(st, 0));
	same = strcmp(travel_db_text(st, 1), request) == 0;
	sqlite3_reset(st);
	if (!same) {
		snprintf(err, errlen, "idempotencyKey: already used for "
		    "another request (booking %s); use a new key for a new "
		    "booking, or repeat the first request exactly", code);
		return (1);
	}
	return (bookings_fetch(db, code, booking, NULL, err, errlen) == 0 ?
	    2 : -1);
}

/* A new, unused confirmation code into code. */
static int
bookings_new_code(sqlite3 *db, char *code, char *err, size_t errlen)
{
	unsigned char	 r[TRAVEL_CONFIRMATION_LEN - 1];
	sqlite3_stmt	*st;
	int		 tries, i, rc;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
			snprintf(err, errlen, "cannot read random bytes for a "
			    "confirmation code");
			return (-1);
		}
		for (i = 0; i < (int)sizeof r; i++)
			code[i] = bookings_alphabet[r[i] %
			    (sizeof bookings_alphabet - 1)];
		code[sizeof r] = '\0';
		if ((st = travel_db_stmt(db, bookings_exists_sql, err,
		    errlen)) == NULL)
			return (-1);
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return (0);
		if (rc != SQLITE_ROW)
			return (bookings_dberr(db, err, errlen));
	}
	snprintf(err, errlen, "cannot find an unused confirmation code");
	return (-1);
}

/* The test hooks (see bookings.h). */
static void
bookings_test_delay(void)
{
	const char	*s = getenv("TRIPMCP_TEST_BOOKING_DELAY_MS");
	long		 ms;

	if (s != NULL && (ms = strtol(s, NULL, 10)) > 0)
		usleep((useconds_t)(ms > 5000 ? 5000 : ms) * 1000);
}

static void
bookings_test_crash(void)
{
	const char	*s = getenv("TRIPMCP_TEST_CRASH_IN_BOOKING");

	if (s != NULL && strcmp(s, "1") == 0)
		_exit(70);
	/* "stall": say so on stderr, then wait to be killed (kill -9). */
	if (s != NULL && strcmp(s, "stall") == 0) {
		fprintf(stderr, "tripmcp-travel: test hook: stalling inside a "
		    "booking's transaction\n");
		fflush(stderr);
		sleep(30);
	}
}

/* Records a booking row; OUT: *id. */
static int
bookings_insert(sqlite3 *db, const char *code, const char *kind,
    const char *offer_id, int party, int units, long long total,
    const char *summary, const cJSON *details, const char *key,
    const char *request, long long *id, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	char		*text, now[32];

	if ((st = travel_db_stmt(db, bookings_insert_sql, err, errlen)) == NULL)
		return (-1);
	travel_db_now(now, sizeof now);
	text = cJSON_PrintUnformatted(details);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, offer_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, party);
	sqlite3_bind_int(st, 5, units);
	sqlite3_bind_int64(st, 6, total);
	sqlite3_bind_text(st, 7, summary, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, request, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, now, -1, SQLITE_TRANSIENT);
	free(text);
	if (travel_db_done(db, st, err, errlen) != 0)
		return (-1);
	*id = sqlite3_last_insert_rowid(db);
	return (0);
}

static int
bookings_record_seats(sqlite3 *db, long long id,
    const struct travel_flight_trip *t, enum travel_cabin cabin, int n,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 i;

	for (i = 0; i < t->nlegs; i++) {
		if ((st = travel_db_stmt(db, bookings_seat_sql, err,
		    errlen)) == NULL)
			return (-1);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, t->legs[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, t->legs[i].date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, travel_flights_cabin_name(cabin), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 5, n);
		if (travel_db_done(db, st, err, errlen) != 0)
			return (-1);
	}
	return (0);
}

/* The leg with the fewest seats, for the message when too few are left. */
static const struct travel_flight_leg *
bookings_tightest(const struct travel_flight_offer *o)
{
	const struct travel_flight_leg	*best = &o->out.legs[0];
	int				 i;

	for (i = 0; i < o->out.nlegs; i++)
		if (o->out.legs[i].seats_left < best->seats_left)
			best = &o->out.legs[i];
	for (i = 0; o->has_return && i < o->ret.nlegs; i++)
		if (o->ret.legs[i].seats_left < best->seats_left)
			best = &o->ret.legs[i];
	return (best);
}

int
travel_bookings_flight(sqlite3 *db, const char *offer_id, int travelers,
    const char *seat, const char *key, cJSON **booking, bool *replayed,
    char *err, size_t errlen)
{
	struct travel_flight_offer	 o;
	struct common_date		 today;
	char				 request[512], code[TRAVEL_CONFIRMATION_LEN];
	char				 today_s[COMMON_DATE_LEN], a[32], b[32];
	char				 summary[512];
	long long			 quoted, id;
	cJSON				*details;
	int				 r;

	*booking = NULL;
	*replayed = false;
	if (seat == NULL)
		seat = "any";
	snprintf(request, sizeof request, "flight|%s|%d|%s", offer_id,
	    travelers, seat);
	if (common_date_today(&today, err, errlen) != 0)
		return (-1);
	common_date_format(&today, today_s);
	if (travel_db_begin(db, err, errlen) != 0)
		return (-1);
	bookings_test_delay();
	if ((r = bookings_check_key(db, key, request, booking, err,
	    errlen)) != 0) {
		travel_db_rollback(db);
		if (r == 2) {
			*replayed = true;
			return (0);
		}
		return (r);
	}
	if ((r = travel_flights_offer(db, offer_id, &today, &o, &quoted, err,
	    errlen)) != 0) {
		char why[512];

		travel_db_rollback(db);
		if (r < 0)
			return (-1);
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "offerId: %s", why);
		return (1);
	}
	if (strcmp(o.out.legs[0].date, today_s) < 0) {
		travel_db_rollback(db);
		snprintf(err, errlen, "offerId: the flight %s left on %s "
		    "(today is %s); search again for a later date",
		    o.out.legs[0].flight, o.out.legs[0].date, today_s);
		return (1);
	}
	if (o.seats_left < travelers) {
		const struct travel_flight_leg *l = bookings_tightest(&o);

		travel_db_rollback(db);
		snprintf(err, errlen, "travelers: only %d seat%s left in %s "
		    "on %s %s-%s on %s, not %d; book fewer travellers or "
		    "another offer", l->seats_left, l->seats_left == 1 ? "" :
		    "s", travel_flights_cabin_name(o.cabin), l->flight,
		    l->from, l->to, l->date, travelers);
		return (1);
	}
	if (o.per_traveler_cents != quoted) {
		travel_db_rollback(db);
		common_money_format(quoted, a, sizeof a);
		common_money_format(o.per_traveler_cents, b, sizeof b);
		snprintf(err, errlen, "offerId: the price changed from %s to "
		    "%s per traveller since the search (seats were sold); book "
		    "the new offer %s if it suits", a, b, o.offer_id);
		return (1);
	}
	if (bookings_new_code(db, code, err, errlen) != 0)
		goto fail;
	travel_flights_offer_line(&o, travelers, summary, sizeof summary);
	details = travel_flights_offer_json(&o, travelers);
	cJSON_AddStringToObject(details, "seatPreference", seat);
	r = bookings_insert(db, code, "flight", offer_id, travelers,
	    travelers, o.per_traveler_cents * travelers, summary, details, key,
	    request, &id, err, errlen);
	cJSON_Delete(details);
	if (r != 0 ||
	    travel_flights_sell(db, &o.out, o.cabin, travelers, err,
	    errlen) != 0 ||
	    bookings_record_seats(db, id, &o.out, o.cabin, travelers, err,
	    errlen) != 0 ||
	    (o.has_return && (travel_flights_sell(db, &o.ret, o.cabin,
	    travelers, err, errlen) != 0 ||
	    bookings_record_seats(db, id, &o.ret, o.cabin, travelers, err,
	    errlen) != 0)))
		goto fail;
	bookings_test_crash();
	if (travel_db_commit(db, err, errlen) != 0)
		return (-1);
	if (bookings_fetch(db, code, booking, NULL, err, errlen) != 0)
		return (-1);
	return (0);
fail:
	travel_db_rollback(db);
	return (-1);
}

static cJSON *
bookings_hotel_json(const struct travel_hotel_offer *o)
{
	cJSON	*j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "offerId", o->offer_id);
	cJSON_AddStringToObject(j, "hotelId", o->hotel_id);
	cJSON_AddStringToObject(j, "name", o->name);
	cJSON_AddStringToObject(j, "chain", o->chain);
	cJSON_AddNumberToObject(j, "stars", o->stars);
	cJSON_AddStringToObject(j, "city", o->city);
	cJSON_AddStringToObject(j, "countryCode", o->country_code);
	cJSON_AddStringToObject(j, "area", o->area);
	cJSON_AddStringToObject(j, "checkIn", o->check_in);
	cJSON_AddStringToObject(j, "checkOut", o->check_out);
	cJSON_AddNumberToObject(j, "nights", o->nights);
	cJSON_AddNumberToObject(j, "guests", o->guests);
	cJSON_AddNumberToObject(j, "rooms", o->rooms);
	common_money_add(j, "nightlyPrice", o->nightly_cents);
	common_money_add(j, "totalPrice", o->total_cents);
	cJSON_AddStringToObject(j, "currency", COMMON_MONEY_CURRENCY);
	return (j);
}

int
travel_bookings_hotel(sqlite3 *db, const char *offer_id, int guests,
    const char *key, cJSON **booking, bool *replayed, char *err,
    size_t errlen)
{
	struct travel_hotel_offer	 o;
	char				 request[256], code[TRAVEL_CONFIRMATION_LEN];
	char				 summary[1024], total[32], why[512];
	long long			 id;
	cJSON				*details;
	int				 r;

	*booking = NULL;
	*replayed = false;
	snprintf(request, sizeof request, "hotel|%s|%d", offer_id, guests);
	if (travel_db_begin(db, err, errlen) != 0)
		return (-1);
	bookings_test_delay();
	if ((r = bookings_check_key(db, key, request, booking, err,
	    errlen)) != 0) {
		travel_db_rollback(db);
		if (r == 2) {
			*replayed = true;
			return (0);
		}
		return (r);
	}
	/* Price and rooms as of now; then take the rooms. */
	if ((r = travel_hotels_offer(db, offer_id, guests, &o, why,
	    sizeof why)) != 0 ||
	    (r = travel_hotels_take(db, &o, why, sizeof why)) != 0) {
		travel_db_rollback(db);
		snprintf(err, errlen, "%s%s", r > 0 ? "offerId: " : "", why);
		return (r);
	}
	if (bookings_new_code(db, code, err, errlen) != 0)
		goto fail;
	common_money_format(o.total_cents, total, sizeof total);
	snprintf(summary, sizeof summary, "%s (%d*%s%s), %s, %s, %s to %s, "
	    "%d night%s, %d room%s for %d guest%s, %s total", o.name, o.stars,
	    o.chain[0] != '\0' ? ", " : "", o.chain, o.area, o.city,
	    o.check_in, o.check_out, o.nights, o.nights == 1 ? "" : "s",
	    o.rooms, o.rooms == 1 ? "" : "s", o.guests,
	    o.guests == 1 ? "" : "s", total);
	details = bookings_hotel_json(&o);
	r = bookings_insert(db, code, "hotel", offer_id, guests, o.rooms,
	    o.total_cents, summary, details, key, request, &id, err, errlen);
	cJSON_Delete(details);
	if (r != 0)
		goto fail;
	bookings_test_crash();
	if (travel_db_commit(db, err, errlen) != 0)
		return (-1);
	return (bookings_fetch(db, code, booking, NULL, err, errlen) == 0 ?
	    0 : -1);
fail:
	travel_db_rollback(db);
	return (-1);
}

int
travel_bookings_cancel(sqlite3 *db, const char *confirmation,
    cJSON **booking, bool *already, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	char		 code[TRAVEL_CONFIRMATION_LEN + 1], now[32];
	long long	 id;
	int		 r, rc, is_hotel, rooms;
	const cJSON	*status, *rj;
	char		 offer[256];

	*booking = NULL;
	*already = false;
	snprintf(code, sizeof code, "%s", confirmation);
	if (strlen(confirmation) >= sizeof code ||
	    travel_bookings_code(code) != 0) {
		snprintf(err, errlen, "confirmation: not a confirmation code "
		    "(6 letters and digits, as returned by bookFlight or "
		    "bookHotel)");
		return (1);
	}
	if (travel_db_begin(db, err, errlen) != 0)
		return (-1);
	if ((r = bookings_fetch(db, code, booking, &id, err, errlen)) != 0) {
		travel_db_rollback(db);
		if (r == 1)
			snprintf(err, errlen, "confirmation: no booking %s; "
			    "listBookings shows the bookings there are", code);
		return (r);
	}
	status = cJSON_GetObjectItem(*booking, "status");
	if (strcmp(status->valuestring, "cancelled") == 0) {
		travel_db_rollback(db);
		*already = true;
		return (0);
	}
	is_hotel = strcmp(cJSON_GetObjectItem(*booking, "kind")->valuestring,
	    "hotel") == 0;
	snprintf(offer, sizeof offer, "%s", cJSON_GetObjectItem(*booking,
	    "offerId")->valuestring);
	rj = cJSON_GetObjectItem(cJSON_GetObjectItem(*booking, "details"),
	    "rooms");
	rooms = cJSON_IsNumber(rj) ? rj->valueint : 0;
	cJSON_Delete(*booking);
	*booking = NULL;
	if (is_hotel && travel_hotels_release(db, offer, rooms, err,
	    errlen) != 0)
		goto fail;

	/* Give back the seats. */
	if ((st = travel_db_stmt(db, bookings_seats_of_sql, err,
	    errlen)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_stmt *up;

		if ((up = travel_db_stmt(db, bookings_release_sql, err,
		    errlen)) == NULL) {
			sqlite3_reset(st);
			goto fail;
		}
		sqlite3_bind_text(up, 1, travel_db_text(st, 0), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, travel_db_text(st, 1), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 3, travel_db_text(st, 2), -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_int(up, 4, sqlite3_column_int(st, 3));
		if (travel_db_done(db, up, err, errlen) != 0) {
			sqlite3_reset(st);
			goto fail;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		bookings_dberr(db, err, errlen);
		goto fail;
	}
	if ((st = travel_db_stmt(db, bookings_cancel_sql, err, errlen)) == NULL)
		goto fail;
	travel_db_now(now, sizeof now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (travel_db_done(db, st, err, errlen) != 0)
		goto fail;
	if (travel_db_commit(db, err, errlen) != 0)
		return (-1);
	return (bookings_fetch(db, code, booking, NULL, err, errlen) == 0 ?
	    0 : -1);
fail:
	travel_db_rollback(db);
	return (-1);
}

int
travel_bookings_get(sqlite3 *db, const char *confirmation, cJSON **booking,
    char *err, size_t errlen)
{
	char	code[TRAVEL_CONFIRMATION_LEN + 1];
	int	r;

	*booking = NULL;
	snprintf(code, sizeof code, "%s", confirmation);
	if (strlen(confirmation) >= sizeof code ||
	    travel_bookings_code(code) != 0) {
		snprintf(err, errlen, "confirmation: not a confirmation code "
		    "(6 letters and digits, as returned by bookFlight or "
		    "bookHotel)");
		return (1);
	}
	if ((r = bookings_fetch(db, code, booking, NULL, err, errlen)) == 1)
		snprintf(err, errlen, "confirmation: no booking %s; "
		    "listBookings shows the bookings there are", code);
	return (r);
}

int
travel_bookings_list(sqlite3 *db, const char *status, const char *kind,
    cJSON **list, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 rc;

	*list = NULL;
	if ((st = travel_db_stmt(db, bookings_list_sql, err, errlen)) == NULL)
		return (-1);
	if (status != NULL)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	if (kind != NULL)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	*list = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(*list, bookings_json(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(*list);
		*list = NULL;
		return (bookings_dberr(db, err, errlen));
	}
	return (0);
}
