"""iCalendar (RFC 5545) export of events."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone

if TYPE_CHECKING:
    from icalendar import Calendar, Event

# icalendar is imported where a calendar is built: the library costs every app worker
# about 3 MB of memory, and calendars are a rare download.

PRODID = "-//Cong thong tin dien tu//portal//VI"


def build_calendar(events, request) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for event in events:
        calendar.add_component(_event_component(event, request))
    return calendar


def _event_component(event, request) -> Event:
    from icalendar import Event

    component = Event()
    component.add("uid", f"event-{event.pk}@{request.get_host()}")
    component.add("summary", event.title)
    start = timezone.localtime(event.start_at)
    if event.all_day:
        end = timezone.localtime(event.end_at).date() if event.end_at else start.date()
        component.add("dtstart", start.date())
        component.add("dtend", end + timedelta(days=1))
    else:
        component.add("dtstart", start)
        if event.end_at:
            component.add("dtend", timezone.localtime(event.end_at))
    if event.location:
        component.add("location", event.location)
    if event.organiser:
        component.add("organizer", event.organiser)
    if event.lead:
        component.add("description", event.lead)
    component.add("url", event.get_full_url(request))
    stamp = event.last_published_at or event.latest_revision_created_at or timezone.now()
    component.add("dtstamp", stamp)
    return component


def calendar_response(events, request, filename: str) -> HttpResponse:
    response = HttpResponse(
        build_calendar(events, request).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response
