#!/usr/bin/env bash
# `make run`: tripmcp on its three bundled servers and their demo data.
# Until the full-screen interface lands this is the tripmcp shell (`tripmcp
# repl`): the same operations, with Tab completion and history. "Today" is
# the guide's 2024-05-01 unless TRIPMCP_TODAY says otherwise, so that its
# Barcelona trip of June 2024 can be planned as written.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
tripmcp=$BUILD/tripmcp
for p in "$tripmcp" "$BUILD"/tripmcp-travel "$BUILD"/tripmcp-weather "$BUILD"/tripmcp-calendar; do
	if [ ! -x "$p" ]; then
		echo "run: $p is missing; run 'make' first" >&2
		exit 1
	fi
done
export TRIPMCP_TODAY=${TRIPMCP_TODAY:-2024-05-01}
cat <<MSG
tripmcp: the travel, weather and calendar servers on real data (today is
$TRIPMCP_TODAY for the demo; set TRIPMCP_TODAY to change it). The guide's
Barcelona trip, step by step:

  read calendar://my-calendar/June-2024
  read travel://preferences/europe
  call travel/searchFlights origin=NYC destination=Barcelona departure=2024-06-15 return=2024-06-22 travelers=2 maxPrice=1500 preferredAirlines=Delta
  call weather/checkWeather location=Barcelona startDate=2024-06-15 endDate=2024-06-22
  call travel/searchHotels location=Barcelona checkIn=2024-06-15 checkOut=2024-06-22 guests=2 maxPrice=1200 preferredChains=Marriott nearbyAttractions="Gothic Quarter,Sagrada Familia"
  prompt travel/plan-vacation destination=Barcelona departure_date=2024-06-15 return_date=2024-06-22 budget=3000 travelers=2

Bookings and emails always ask first. Tab completes commands, tools, URIs and
arguments; 'help' lists the commands; Ctrl-D leaves.
MSG
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo
	echo "run: no terminal here, so no shell; the servers as tripmcp sees them:"
	exec "$tripmcp" servers
fi
exec "$tripmcp" repl
