"""The one clock: today is the Dutch day, not UTC's."""

import datetime as dt

from zorgid import clock


def test_today_is_the_dutch_date_an_hour_or_two_before_utc_has_it():
    clock.reset()
    try:
        now = clock.now()
        # move to 23:30 UTC of today: in the Netherlands (UTC+1 in winter, +2 in summer) it is already tomorrow
        late = now.replace(hour=23, minute=30, second=0, microsecond=0)
        clock.move(late - now)
        assert clock.now().date() == late.date() and clock.today() == late.date() + dt.timedelta(days=1)
        clock.move(dt.timedelta(hours=2))  # 01:30 UTC the next day: the same Dutch day
        assert clock.today() == clock.now().date()
    finally:
        clock.reset()


def test_a_moment_is_shown_on_its_dutch_day():
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 December in Amsterdam
    summer = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)  # 00:30 on 1 July (UTC+2)
    assert (clock.format_day(late), clock.format_day(summer)) == ("02-12-2026", "01-07-2026")
    assert clock.format_day(late + dt.timedelta(hours=2)) == "02-12-2026"
